// Transactions' parts that need no cluster: what a partition's log says about
// open and aborted transactions (TxnIndex), how a marker fences an ended
// epoch, the coordinator's replicated state (Txns) with and without KIP-890's
// epoch bump, and the codecs of the new requests, replies and messages.
#include <gtest/gtest.h>

#include "systems/log/log_messages.h"
#include "systems/log/log_protocol.h"
#include "systems/log/log_record.h"
#include "systems/log/producer_state.h"
#include "systems/log/txn_index.h"
#include "systems/log/txn_state.h"

namespace simlab::commitlog {
namespace {

Record txn_data(Offset offset, std::uint64_t producer, Epoch epoch, std::int64_t sequence) {
  Record record{offset, 1, producer, epoch, sequence, 1000 + offset};
  record.kind = RecordKind::txn_data;
  return record;
}

Record marker(Offset offset, std::uint64_t producer, Epoch epoch, bool commit, Epoch next) {
  Record record{offset, 1, producer, epoch, -1, next};
  record.kind = commit ? RecordKind::commit_marker : RecordKind::abort_marker;
  return record;
}

TEST(LogTxnIndex, OpenTransactionsHoldTheStableOffsetAndAbortedRangesAreKnown) {
  TxnIndex index;
  EXPECT_EQ(index.first_open(), kNoOffset);
  index.record(Record{0, 1, 9, 0, 0, 5});  // a plain record opens nothing
  index.record(txn_data(1, 7, 0, 0));
  index.record(txn_data(2, 8, 3, 0));
  index.record(txn_data(3, 7, 0, 1));
  EXPECT_EQ(index.first_open(), 1);
  ASSERT_TRUE(index.open(8).has_value());
  EXPECT_EQ(index.open(8)->epoch, 3);
  index.record(marker(4, 7, 0, false, 1));  // producer 7 aborts [1, 4]
  EXPECT_EQ(index.first_open(), 2) << "producer 8's is still open";
  EXPECT_FALSE(index.open(7).has_value());
  EXPECT_EQ(index.last_marker(7), 4);
  EXPECT_EQ(index.last_marker(8), -1);
  index.record(marker(5, 8, 3, true, 4));
  EXPECT_EQ(index.first_open(), kNoOffset);
  EXPECT_TRUE(index.aborted(txn_data(1, 7, 0, 0)));
  EXPECT_TRUE(index.aborted(txn_data(3, 7, 0, 1)));
  EXPECT_FALSE(index.aborted(txn_data(2, 8, 3, 0))) << "committed";
  EXPECT_FALSE(index.aborted(Record{0, 1, 9, 0, 0, 5})) << "not transactional";
  index.record(txn_data(6, 7, 1, 0));  // producer 7's next transaction
  EXPECT_FALSE(index.aborted(txn_data(6, 7, 1, 0)));
  EXPECT_EQ(index.first_open(), 6);
  index.clear();
  EXPECT_EQ(index.first_open(), kNoOffset);
}

TEST(LogTxnIndex, AMarkerFencesTheEpochItEndsSoALateProduceCannotOpenATransaction) {
  ProducerTable table;
  table.record(txn_data(0, 7, 2, 0));
  table.record(marker(1, 7, 2, true, 3));
  EXPECT_EQ(table.check(7, 2, 1, 1).check, SequenceCheck::fenced) << "a late produce of epoch 2";
  EXPECT_EQ(table.check(7, 3, 0, 1).check, SequenceCheck::append) << "the next transaction";
  ProducerTable unbumped;  // the planted bug's marker names the same epoch
  unbumped.record(txn_data(0, 7, 2, 0));
  unbumped.record(marker(1, 7, 2, true, 2));
  EXPECT_EQ(unbumped.check(7, 2, 1, 1).check, SequenceCheck::append);
}

TxnCommand command(TxnCommandKind kind, Epoch epoch, PartitionId partition = 0,
                   bool commit = false) {
  TxnCommand made;
  made.kind = kind;
  made.producer_id = 7;
  made.epoch = epoch;
  made.partition = partition;
  made.commit = commit;
  return made;
}

TEST(LogTxns, ATransactionIsAddedToDecidedAndCompletedInItsEpochOnly) {
  Txns txns;
  EXPECT_FALSE(txns.apply(command(TxnCommandKind::end, 0, 0, true))) << "nothing open";
  EXPECT_TRUE(txns.apply(command(TxnCommandKind::add_partition, 0, 2)));
  EXPECT_TRUE(txns.apply(command(TxnCommandKind::add_partition, 0, 1)));
  EXPECT_EQ(txns.producer(7).partitions, (std::vector<PartitionId>{1, 2}));
  EXPECT_FALSE(txns.apply(command(TxnCommandKind::add_partition, 1, 0))) << "another epoch";
  EXPECT_FALSE(txns.apply(command(TxnCommandKind::complete, 0))) << "not decided";
  EXPECT_TRUE(txns.apply(command(TxnCommandKind::end, 0, 0, true)));
  EXPECT_EQ(txns.producer(7).phase, TxnPhase::prepare_commit);
  EXPECT_FALSE(txns.apply(command(TxnCommandKind::add_partition, 0, 3))) << "deciding";
  EXPECT_FALSE(txns.apply(command(TxnCommandKind::end, 0, 0, false))) << "decided once";
  EXPECT_TRUE(txns.apply(command(TxnCommandKind::complete, 0)));
  const TxnState& done = txns.producer(7);
  EXPECT_EQ(done.phase, TxnPhase::empty);
  EXPECT_TRUE(done.partitions.empty());
  EXPECT_EQ(done.ended_epoch, 0);
  EXPECT_TRUE(done.ended_committed);
  EXPECT_EQ(done.epoch, 1) << "KIP-890: the next transaction has a new epoch";
  EXPECT_FALSE(txns.apply(command(TxnCommandKind::add_partition, 0, 0))) << "the old epoch";

  Txns unbumped(false);  // the planted log.late-txn-marker
  unbumped.apply(command(TxnCommandKind::add_partition, 0, 0));
  unbumped.apply(command(TxnCommandKind::end, 0, 0, false));
  unbumped.apply(command(TxnCommandKind::complete, 0));
  EXPECT_EQ(unbumped.producer(7).epoch, 0);
  EXPECT_TRUE(unbumped.apply(command(TxnCommandKind::add_partition, 0, 0)))
      << "the next transaction shares the ended one's epoch";
}

TxnCommand offset_command(Epoch epoch, PartitionId partition, Offset offset) {
  TxnCommand made = command(TxnCommandKind::add_offset, epoch, partition);
  made.group = 1;
  made.member = 9;
  made.generation = 4;
  made.offset = offset;
  return made;
}

// Kafka's TxnOffsetCommit: the offsets ride in the transaction, the last
// one per partition wins, and only a commit hands them to the group.
TEST(LogTxns, OffsetsCommitWithTheirTransactionAndAreDroppedByAnAbort) {
  Txns txns;
  EXPECT_TRUE(txns.apply(offset_command(0, 2, 10))) << "an offset opens the transaction";
  EXPECT_EQ(txns.producer(7).phase, TxnPhase::ongoing);
  EXPECT_TRUE(txns.apply(offset_command(0, 2, 14)));
  EXPECT_TRUE(txns.apply(offset_command(0, 0, 3)));
  EXPECT_FALSE(txns.apply(offset_command(1, 0, 3))) << "another epoch";
  EXPECT_TRUE(txns.holds_offset(1, 2));
  EXPECT_FALSE(txns.holds_offset(2, 2)) << "another group";
  std::vector<TxnOffset> committed;
  EXPECT_TRUE(txns.apply(command(TxnCommandKind::end, 0, 0, true), &committed));
  EXPECT_EQ(committed, (std::vector<TxnOffset>{{1, 0, 3}, {1, 2, 14}}));
  EXPECT_FALSE(txns.holds_offset(1, 2)) << "decided: stable again";
  EXPECT_FALSE(txns.apply(offset_command(0, 1, 5))) << "deciding";
  txns.apply(command(TxnCommandKind::complete, 0));

  EXPECT_TRUE(txns.apply(offset_command(1, 1, 8)));
  committed.clear();
  EXPECT_TRUE(txns.apply(command(TxnCommandKind::end, 1, 0, false), &committed));
  EXPECT_TRUE(committed.empty()) << "an abort commits no offset";
  EXPECT_FALSE(txns.holds_offset(1, 1));
}

TEST(LogTxns, PendingOffsetsAndTheirCommandSurviveTheirCodecs) {
  Txns txns;
  txns.apply(offset_command(0, 3, 77));
  Txns copy;
  ASSERT_TRUE(copy.decode(txns.encode()));
  EXPECT_EQ(copy.all(), txns.all());
  EXPECT_TRUE(copy.holds_offset(1, 3));
  const auto decoded = decode_txn_command(encode_txn_command(offset_command(2, 3, 77)));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->kind, TxnCommandKind::add_offset);
  EXPECT_EQ(decoded->group, 1u);
  EXPECT_EQ(decoded->member, 9u);
  EXPECT_EQ(decoded->generation, 4);
  EXPECT_EQ(decoded->offset, 77);
  Bytes cut = encode_txn_command(offset_command(2, 3, 77));
  cut.pop_back();
  EXPECT_FALSE(decode_txn_command(cut).has_value());
}

TEST(LogTxns, StateCommandsAndMessagesSurviveTheirCodecs) {
  Txns txns;
  txns.apply(command(TxnCommandKind::add_partition, 0, 4));
  txns.apply(command(TxnCommandKind::end, 0, 0, false));
  Txns copy;
  ASSERT_TRUE(copy.decode(txns.encode()));
  EXPECT_EQ(copy.all(), txns.all());
  Bytes truncated = txns.encode();
  truncated.pop_back();
  EXPECT_FALSE(copy.decode(truncated));

  const TxnCommand end = command(TxnCommandKind::end, 3, 0, true);
  const auto decoded = decode_txn_command(encode_txn_command(end));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->kind, TxnCommandKind::end);
  EXPECT_EQ(decoded->epoch, 3);
  EXPECT_TRUE(decoded->commit);
  EXPECT_FALSE(is_txn_command(Bytes{3}));  // a group command's kind

  ClientRequest produce;
  produce.kind = ClientKind::produce;
  produce.values = {1};
  produce.transactional = true;
  produce.read_committed = true;
  const auto request = decode_client_request(encode_client_request(produce));
  ASSERT_TRUE(request.has_value());
  EXPECT_TRUE(request->transactional);
  EXPECT_TRUE(request->read_committed);
  EXPECT_FALSE(request->commit);

  ClientReply ended = status_reply(ClientStatus::ok, kNoNode);
  ended.committed = true;
  ended.producer_epoch = 5;
  ended.next_offset = 42;
  const auto reply = decode_client_reply(encode_client_reply(ended));
  ASSERT_TRUE(reply.has_value());
  EXPECT_TRUE(reply->committed);
  EXPECT_EQ(reply->producer_epoch, 5);
  EXPECT_EQ(reply->next_offset, 42);

  BrokerMessage marker_message;
  marker_message.kind = BrokerKind::txn_marker;
  marker_message.producer_id = 7;
  marker_message.producer_epoch = 2;
  marker_message.commit = true;
  marker_message.next_epoch = 3;
  const Bytes wire = encode_broker_message(marker_message);
  const auto message = decode_broker_message(ByteView(wire).subspan(1));
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->kind, BrokerKind::txn_marker);
  EXPECT_EQ(message->producer_id, 7u);
  EXPECT_EQ(message->next_epoch, 3);
  EXPECT_TRUE(message->commit);

  const Record written = marker(9, 7, 2, false, 3);
  const SegmentScan scan = scan_segment(encode_frame(written));
  ASSERT_EQ(scan.records.size(), 0u) << "a segment starts at offset 0";
  const SegmentScan first = scan_segment(encode_frame(marker(0, 7, 2, false, 3)));
  ASSERT_EQ(first.records.size(), 1u);
  EXPECT_EQ(first.records[0].kind, RecordKind::abort_marker);
}

}  // namespace
}  // namespace simlab::commitlog

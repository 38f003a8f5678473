// The commit log's parts that need no cluster: the controller's metadata
// commands, the idempotent producer table, segment recovery and options.
#include <gtest/gtest.h>

#include <algorithm>

#include "systems/log/log_messages.h"
#include "systems/log/log_options.h"
#include "systems/log/log_protocol.h"
#include "systems/log/log_record.h"
#include "systems/log/log_system.h"
#include "systems/log/metadata.h"
#include "systems/log/producer_state.h"

namespace simlab::commitlog {
namespace {

TEST(LogMetadata, InitialAssignmentSpreadsLeadersAndPutsEveryReplicaInSync) {
  const Metadata metadata = Metadata::initial({1, 2, 3}, 3, 2);
  ASSERT_EQ(metadata.partitions().size(), 3u);
  EXPECT_EQ(metadata.partition(0).replicas, (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(metadata.partition(2).replicas, (std::vector<NodeId>{3, 1}));
  EXPECT_EQ(metadata.partition(2).leader, 3u);
  EXPECT_EQ(metadata.partition(2).isr, (std::vector<NodeId>{1, 3}));
}

TEST(LogMetadata, ACommandDecidedOnAnOlderPartitionEpochDoesNothing) {
  Metadata metadata = Metadata::initial({1, 2, 3}, 1, 3);
  ControllerCommand elect{CommandKind::elect, 0, 0, 2, 77, 0, {2, 3}};
  EXPECT_TRUE(metadata.apply(elect));
  EXPECT_EQ(metadata.partition(0).leader, 2u);
  EXPECT_EQ(metadata.partition(0).leader_epoch, 1);
  EXPECT_EQ(metadata.partition(0).partition_epoch, 1);
  EXPECT_EQ(metadata.partition(0).leader_incarnation, 77u) << "it leads only in that process";
  EXPECT_FALSE(metadata.apply(elect));  // still at partition epoch 0: stale
  EXPECT_EQ(metadata.partition(0).leader_epoch, 1);
}

TEST(LogMetadata, OnlyTheLeaderOfTheCurrentEpochChangesTheIsrAndNeverLeavesIt) {
  Metadata metadata = Metadata::initial({1, 2, 3}, 1, 3);
  EXPECT_FALSE(metadata.apply({CommandKind::alter_isr, 0, 0, 2, 0, 0, {2}}));     // not the leader
  EXPECT_FALSE(metadata.apply({CommandKind::alter_isr, 0, 0, 1, 0, 0, {2, 3}}));  // drops itself
  EXPECT_TRUE(metadata.apply({CommandKind::alter_isr, 0, 0, 1, 0, 0, {3, 1}}));
  EXPECT_EQ(metadata.partition(0).isr, (std::vector<NodeId>{1, 3}));
  EXPECT_EQ(metadata.partition(0).leader_epoch, 0);  // an ISR change keeps the epoch
}

TEST(LogMetadata, EncodesAndDecodesWhatItHolds) {
  Metadata metadata = Metadata::initial({1, 2, 3, 4}, 5, 3);
  ASSERT_TRUE(metadata.apply({CommandKind::elect, 4, 0, kNoNode, 0, 0, {1}}));
  Metadata copy;
  ASSERT_TRUE(copy.decode(metadata.encode()));
  EXPECT_EQ(copy.partitions(), metadata.partitions());
  Bytes truncated = metadata.encode();
  truncated.pop_back();
  EXPECT_FALSE(copy.decode(truncated));
}

TEST(LogProducers, DedupesRetriedBatchesAndRefusesGapsAndOldEpochs) {
  ProducerTable table;
  EXPECT_EQ(table.check(7, 0, 1, 1).check, SequenceCheck::out_of_order);  // must start at 0
  EXPECT_EQ(table.check(7, 0, 0, 3).check, SequenceCheck::append);
  for (std::int64_t s = 0; s < 7; ++s) table.record(Record{10 + s, 1, 7, 0, s, 100 + s});
  const SequenceVerdict retried = table.check(7, 0, 6, 1);
  EXPECT_EQ(retried.check, SequenceCheck::duplicate);
  EXPECT_EQ(retried.offset, 16);
  const SequenceVerdict retried_batch = table.check(7, 0, 4, 3);
  EXPECT_EQ(retried_batch.check, SequenceCheck::duplicate);
  EXPECT_EQ(retried_batch.offset, 14) << "a batch is answered with its first record's offset";
  EXPECT_EQ(table.check(7, 0, 5, 3).check, SequenceCheck::out_of_order)
      << "a batch that runs past the log's last sequence was never appended whole";
  EXPECT_EQ(table.check(7, 0, 7, 5).check, SequenceCheck::append);
  EXPECT_EQ(table.check(7, 0, 9, 1).check, SequenceCheck::out_of_order);
  table.record(Record{17, 1, 7, 1, 0, 200});  // epoch 1 begins
  EXPECT_EQ(table.check(7, 0, 7, 1).check, SequenceCheck::fenced);
}

// A retried batch landed whole, at consecutive offsets: sequences that sit
// in two places of the log (another producer's record between them) were
// two batches, and a batch that claims both was never sent.
TEST(LogProducers, ABatchIsADuplicateOnlyWhereItLandedWhole) {
  ProducerTable table;
  for (std::int64_t s = 0; s < 3; ++s) table.record(Record{10 + s, 1, 7, 0, s, 100 + s});
  table.record(Record{13, 1, 8, 0, 0, 300});  // producer 8's
  for (std::int64_t s = 3; s < 5; ++s) table.record(Record{11 + s, 1, 7, 0, s, 100 + s});
  EXPECT_EQ(table.check(7, 0, 0, 3).offset, 10);
  EXPECT_EQ(table.check(7, 0, 3, 2).offset, 14);
  EXPECT_EQ(table.check(7, 0, 2, 2).check, SequenceCheck::out_of_order);
  EXPECT_EQ(table.check(8, 0, 0, 1).offset, 13);
}

TEST(LogProducers, ForgetsSequencesOlderThanTheWindow) {
  ProducerTable table;
  const std::int64_t records = kDedupeWindowRecords + 10;
  for (std::int64_t s = 0; s < records; ++s) {
    table.record(Record{2 * s, 1, 7, 0, s, s});  // each its own run: another producer between
    table.record(Record{2 * s + 1, 1, 8, 0, s, s});
  }
  EXPECT_EQ(table.check(7, 0, records - 1, 1).offset, 2 * (records - 1));
  EXPECT_EQ(table.check(7, 0, records - kDedupeWindowRecords, 1).check, SequenceCheck::duplicate);
  EXPECT_EQ(table.check(7, 0, 5, 1).check, SequenceCheck::out_of_order) << "outside the window";
  EXPECT_EQ(table.check(7, 0, records - kDedupeWindowRecords - 1, 1).check,
            SequenceCheck::out_of_order);
}

TEST(LogSegment, RecoveryKeepsWholeFramesAndCutsATornOrCorruptTail) {
  Bytes segment;
  for (Offset o = 0; o < 3; ++o) {
    const Bytes frame = encode_frame(Record{o, 1, 9, 0, o, 40 + o});
    segment.insert(segment.end(), frame.begin(), frame.end());
  }
  const std::size_t whole = segment.size();
  EXPECT_EQ(scan_segment(segment).records.size(), 3u);
  Bytes torn = segment;
  torn.resize(whole - 5);
  const SegmentScan torn_scan = scan_segment(torn);
  EXPECT_EQ(torn_scan.records.size(), 2u);
  EXPECT_EQ(torn_scan.valid_bytes, whole / 3 * 2);
  Bytes flipped = segment;
  flipped[whole / 3 + 20] ^= 0x10;  // inside the second record
  const SegmentScan flipped_scan = scan_segment(flipped);
  EXPECT_EQ(flipped_scan.records.size(), 1u);
  EXPECT_TRUE(flipped_scan.damaged_inside) << "a whole, written frame is bad";
  EXPECT_FALSE(torn_scan.damaged_inside) << "a torn tail has nothing after it";
  // A crash dropped the second append (never written: zeros) and kept the
  // third: an unsynced tail with a hole, cut like a torn one.
  Bytes holed = segment;
  std::fill(holed.begin() + static_cast<std::ptrdiff_t>(whole / 3),
            holed.begin() + static_cast<std::ptrdiff_t>(whole / 3 * 2), 0);
  const SegmentScan holed_scan = scan_segment(holed);
  EXPECT_EQ(holed_scan.records.size(), 1u);
  EXPECT_EQ(holed_scan.valid_bytes, whole / 3);
  EXPECT_FALSE(holed_scan.damaged_inside) << "a dropped unsynced append is no damage";
  Bytes last_flipped = segment;
  last_flipped[whole - 10] ^= 0x01;  // inside the last record: nothing follows it
  const SegmentScan last_scan = scan_segment(last_flipped);
  EXPECT_EQ(last_scan.records.size(), 2u);
  EXPECT_TRUE(last_scan.damaged_inside) << "a whole written frame that fails its CRC";
}

TEST(LogMessages, BrokerAndClientMessagesRoundTripAndGarbageIsRejected) {
  BrokerMessage fetch;
  fetch.kind = BrokerKind::replica_fetch_reply;
  fetch.partition = 2;
  fetch.leader_epoch = 4;
  fetch.records = {Record{5, 4, 1, 0, 3, 77}};
  fetch.isr = {1, 3};
  const Bytes wire = encode_broker_message(fetch);
  ASSERT_EQ(wire[0], static_cast<std::uint8_t>(Channel::broker));
  const auto decoded = decode_broker_message(ByteView(wire).subspan(1));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->records, fetch.records);
  EXPECT_EQ(decoded->isr, fetch.isr);
  EXPECT_FALSE(decode_broker_message(ByteView(wire).subspan(2)).has_value());
  Bytes flipped = wire;
  flipped[20] ^= 0x04;  // the network flips a bit: the CRC catches it
  EXPECT_FALSE(decode_broker_message(ByteView(flipped).subspan(1)).has_value());

  ClientReply reply = status_reply(ClientStatus::ok, 2);
  reply.records = {{0, 10}, {1, 11}};
  reply.partitions = {PartitionInfo{0, 2, 3, {1, 2}}};
  const auto back = decode_client_reply(encode_client_reply(reply));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->records, reply.records);
  EXPECT_EQ(back->partitions.front().isr, (std::vector<NodeId>{1, 2}));
  EXPECT_FALSE(decode_client_request(Bytes{9, 9, 9}).has_value());
}

TEST(LogMessages, AProduceCarriesABatchOfOneToTheMostRecords) {
  ClientRequest produce;
  produce.kind = ClientKind::produce;
  produce.values = {4, 5, 6};
  produce.sequence = 9;
  const auto back = decode_client_request(encode_client_request(produce));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->values, produce.values);
  EXPECT_EQ(back->sequence, 9);
  produce.values.clear();
  EXPECT_FALSE(decode_client_request(encode_client_request(produce)).has_value())
      << "an empty batch";
  produce.values.assign(kBatchRecordsMax + 1, 1);
  EXPECT_FALSE(decode_client_request(encode_client_request(produce)).has_value());
  ClientRequest fetch;  // other requests carry no values
  fetch.kind = ClientKind::fetch;
  EXPECT_TRUE(decode_client_request(encode_client_request(fetch)).has_value());
}

TEST(LogOptions, UnknownFieldsAndImpossibleSettingsAreNamed) {
  auto error = [](std::string_view json) {
    LogOptions options;
    return parse_log_options(json, options);
  };
  EXPECT_EQ(error(R"({"log": {"partitons": 3}})"), "log.partitons: unknown option");
  EXPECT_EQ(error(R"({"log": {"min_insync": 4, "replication_factor": 3}})"),
            "log.min_insync: must not exceed log.replication_factor");
  EXPECT_EQ(error(R"({"kafka": {}})"), "kafka: unknown option group (expected log or raft)");
  EXPECT_EQ(error(R"({"raft": {"election_tick": 3}})"), "raft.election_tick: unknown option");
  LogOptions parsed;
  EXPECT_EQ(parse_log_options(R"({"log": {"fsync": "interval", "fsync_interval_ms": 5},
                                  "raft": {"election_ticks": 8}})",
                              parsed),
            "");
  EXPECT_EQ(parsed.fsync, FsyncPolicy::interval);
  EXPECT_EQ(parsed.fsync_interval_ns, 5 * kNanosecondsPerMillisecond);
  EXPECT_EQ(parsed.raft.election_ticks, 8);
  EXPECT_EQ(parse_log_options(R"({"log": {"group_session_timeout_ms": 900}})", parsed), "");
  EXPECT_EQ(parsed.group_session_timeout_ns, 900 * kNanosecondsPerMillisecond);
}

TEST(LogOptions, AReplicationFactorAboveTheBrokerCountIsNamedBeforeAnyRun) {
  const LogSystemFactory factory;
  const std::string five = R"({"log": {"replication_factor": 5, "min_insync": 2}})";
  EXPECT_EQ(factory.options_error(five), "") << "valid options on their own";
  EXPECT_EQ(factory.cluster_error(five, 5), "");
  EXPECT_EQ(factory.cluster_error(five, 3),
            "log.replication_factor: 5 replicas need as many brokers, and the cluster has 3");
  EXPECT_EQ(factory.cluster_error("", 1),
            "log.replication_factor: 3 replicas need as many "
            "brokers, and the cluster has 1")
      << "the default factor, 3";
}

}  // namespace
}  // namespace simlab::commitlog

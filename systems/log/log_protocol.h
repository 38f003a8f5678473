// The commit log's client protocol, shared by the brokers (systems/log) and
// the clients (workloads/log_*): produce to a partition's leader (Kafka's
// ProduceRequest with an idempotent producer's id, epoch and sequence),
// fetch committed records from an offset (a consumer's FetchRequest), ask
// any broker who leads what (MetadataRequest), and, as a member of a
// consumer group, heartbeat to the group's coordinator (which answers with
// the member's assignment: KIP-848's ConsumerGroupHeartbeat) and commit the
// offset it has processed a partition up to (OffsetCommit); and, as a
// transactional producer, tell the transaction coordinator each partition
// a transaction writes to before it writes there (AddPartitionsToTxn) and
// end the transaction (EndTxn), produce with the transactional flag, and
// fetch as a read_committed consumer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/types.h"

namespace simlab::commitlog {

using Offset = std::int64_t;
using Epoch = std::int64_t;
using PartitionId = std::uint32_t;

enum class ClientKind : std::uint8_t {
  produce = 1,
  fetch,
  metadata,
  group_heartbeat,
  offset_commit,
  txn_add_partition,
  txn_end,
  // Kafka's TxnOffsetCommit (KIP-98, fenced by the member's generation as
  // KIP-447 has it): a group member's offset, committed with the producer's
  // open transaction or not at all.
  txn_offset_commit,
};
const char* client_kind_name(ClientKind kind);

// acks=all: the record is acknowledged once every in-sync replica has it on
// disk (and the ISR is at least min_insync); acks=1: once the leader has.
enum class Acks : std::uint8_t { all = 1, leader };

struct ClientRequest {
  ClientKind kind = ClientKind::metadata;
  PartitionId partition = 0;
  // produce: a record batch (Kafka's v2 batch: one producer, epoch and base
  // sequence, the records numbered on from it), appended whole or not at all
  std::vector<std::int64_t> values;
  std::uint64_t producer_id = 0;  // chosen by the client, unique per run
  Epoch producer_epoch = 0;
  std::int64_t sequence = 0;  // the batch's first, per (producer, epoch, partition), from 0
  Acks acks = Acks::all;
  bool transactional = false;  // produce: part of the producer's open transaction
  bool commit = false;         // txn_end: commit (else abort)
  // fetch: only what committed transactions wrote, below the last stable
  // offset (else everything below the high watermark)
  bool read_committed = false;
  // fetch; offset_commit: the partition's next offset to process
  Offset offset = 0;
  std::uint32_t records_max = 0;
  // group_heartbeat, offset_commit: the member chooses its own id, unique
  // per run (KIP-848's client-generated member id)
  std::uint32_t group = 0;
  std::uint64_t member = 0;
  std::int64_t generation = 0;  // offset_commit: the generation the member's assignment is from
  // txn_offset_commit: the producer_id, producer_epoch, group, member,
  // generation, partition and offset fields all count
};

enum class ClientStatus : std::uint8_t {
  ok = 1,
  not_leader,               // definitely not written: leader_hint may name the leader
  not_enough_replicas,      // definitely not written: the ISR is below min_insync
  out_of_order_sequence,    // definitely not written; a gap in the producer's sequence
                            // (fatal: the client must not retry it as it is)
  fenced_producer,          // definitely not written: a newer epoch of this producer exists
  offset_out_of_range,      // fetch beyond the log end
  unknown,                  // may or may not be committed (leadership lost while pending)
  rebalance_in_progress,    // group: the member is not in the group's generation yet; ask again
  illegal_generation,       // group: the commit's generation is not the group's, or the member
                            // does not own the partition in it (a zombie's commit is fenced)
  concurrent_transactions,  // txn: the producer's previous transaction is still being
                            // completed; ask again
  invalid_txn_state,        // txn: no such transaction in this epoch (it ended: an abort the
                            // coordinator decided after the transaction timed out)
};
const char* client_status_name(ClientStatus status);

// The most records one produce may carry (a batch; Kafka bounds it by
// batch.size in bytes).
inline constexpr std::uint32_t kBatchRecordsMax = 64;

struct FetchedRecord {
  Offset offset = 0;
  std::int64_t value = 0;
  friend bool operator==(const FetchedRecord&, const FetchedRecord&) = default;
};

struct PartitionInfo {
  PartitionId partition = 0;
  NodeId leader = kNoNode;
  Epoch leader_epoch = 0;
  std::vector<NodeId> isr;
};

// A partition the coordinator assigned to a member, with the group's
// committed offset for it (-1: none yet, read from the start;
// kUnstableOffset: an open transaction holds an offset for it, and the
// member must not start reading until that transaction ends, as KIP-447's
// requireStable fetch waits).
inline constexpr Offset kUnstableOffset = -2;
struct AssignedPartition {
  PartitionId partition = 0;
  Offset committed = -1;
  friend bool operator==(const AssignedPartition&, const AssignedPartition&) = default;
};

struct ClientReply {
  ClientStatus status = ClientStatus::ok;
  NodeId leader_hint = kNoNode;
  Offset offset = -1;                     // produce: where the batch's first record is
  Offset high_watermark = 0;              // fetch: the partition's committed end
  std::vector<FetchedRecord> records;     // fetch
  std::vector<PartitionInfo> partitions;  // metadata
  std::int64_t generation = 0;            // group_heartbeat
  std::vector<AssignedPartition> assigned;  // group_heartbeat: the member's partitions
  // fetch: where the next fetch starts (past markers and aborted records
  // the reply left out)
  Offset next_offset = 0;
  // txn_end: whether the transaction committed, and the epoch the producer's
  // next transaction carries (KIP-890 bumps it at every transaction's end)
  bool committed = false;
  Epoch producer_epoch = 0;
};

// A reply that carries only a status and a leader hint.
ClientReply status_reply(ClientStatus status, NodeId leader_hint);

Bytes encode_client_request(const ClientRequest& request);
std::optional<ClientRequest> decode_client_request(ByteView bytes);
Bytes encode_client_reply(const ClientReply& reply);
std::optional<ClientReply> decode_client_reply(ByteView bytes);

// One line for a person: "produce p1 17 (pid 3 seq 2)", "ok @5".
std::string client_request_text(const ClientRequest& request);
std::string client_reply_text(const ClientReply& reply);

}  // namespace simlab::commitlog

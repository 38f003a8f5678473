// The client side of the commit log's protocol (systems/log/log_protocol.h):
// finds each partition's leader (a metadata request to a random broker,
// cached, then a not_leader reply's hint or a fresh metadata request when
// leadership moves), sends as Kafka's idempotent producer (one producer id,
// epoch 0, a sequence per partition that advances only after an ok, and
// the same sequence on every retry of a send, so the broker appends it at
// most once; several values in flight at once, like Kafka's
// max.in.flight.requests.per.connection), fetches committed records, and speaks to the consumer
// group's coordinator (heartbeats that return the member's assignment, and
// offset commits), following it as the controller moves. A send whose fate
// cannot be known is reported as such, never guessed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "systems/log/log_protocol.h"
#include "workloads/client_env.h"

namespace simlab {

struct LogClientOptions {
  std::int64_t op_timeout_ns = 1000 * kNanosecondsPerMillisecond;   // one send, all its tries
  std::int64_t call_timeout_ns = 150 * kNanosecondsPerMillisecond;  // one try
  std::int64_t backoff_ns_min = 2 * kNanosecondsPerMillisecond;
  std::int64_t backoff_ns_max = 100 * kNanosecondsPerMillisecond;
  // The planted log.retriable-out-of-order (Redpanda issue 3039, 2022): an
  // out_of_order_sequence reply makes the producer bump its epoch and resend
  // every unanswered value under fresh sequences, so a value an earlier try
  // appended (its reply lost or late) is appended again.
  bool retry_out_of_order_with_new_epoch = false;
  // The most values one produce carries (Kafka's batch.size, counted in
  // records; 1 to commitlog::kBatchRecordsMax): a send of more goes out as
  // several batches, all in flight at once.
  std::uint32_t batch_records_max = 1;
};

// At most this many batches in flight: within the broker's dedupe window
// (systems/log/producer_state.h), so any retry is recognised.
inline constexpr std::size_t kSendPipelineMax = 3;

// The most values one send may carry: kSendPipelineMax batches' worth.
inline std::size_t send_values_max(const LogClientOptions& options) {
  return kSendPipelineMax * options.batch_records_max;
}

enum class SendOutcome : std::uint8_t {
  ok,       // appended at `offset`
  fail,     // definitely not appended: every try was refused before any append
  unknown,  // may have been appended: a try timed out or its outcome was unknown
};

struct SendResult {
  SendOutcome outcome = SendOutcome::unknown;
  commitlog::Offset offset = -1;  // ok only
  // The broker refused this producer's sequence or epoch
  // (out_of_order_sequence, fenced_producer): every later send of this
  // producer would be refused too, so its owner must start a new producer.
  bool producer_unusable = false;
};

// A step of a transaction, as far as the client can know it.
enum class TxnStep : std::uint8_t {
  ok,
  aborted,  // the coordinator ended the transaction (its timeout): nothing of it commits
  fenced,   // an offset commit from a member the group has moved on from: the transaction
            // is still open, and its producer must abort it
  unknown,  // no answer in time
};
enum class TxnEnd : std::uint8_t { committed, aborted, unknown };

struct FetchResult {
  // ok: a leader answered with records (possibly none) and its high
  // watermark. offset_out_of_range: the offset is past the leader's log
  // end (high_watermark is the leader's). unknown: no answer in time.
  commitlog::ClientStatus status = commitlog::ClientStatus::unknown;
  commitlog::Offset high_watermark = 0;
  std::vector<commitlog::FetchedRecord> records;
  // Where the next fetch starts: past the records, and past markers and
  // aborted records the broker left out.
  commitlog::Offset next_offset = 0;
  bool ok() const { return status == commitlog::ClientStatus::ok; }
};

// A member's view of its group, from a heartbeat: ok() when the
// coordinator counts it a member of `generation`, with these partitions.
struct GroupView {
  commitlog::ClientStatus status = commitlog::ClientStatus::unknown;
  std::int64_t generation = 0;
  std::vector<commitlog::AssignedPartition> assigned;
  bool ok() const { return status == commitlog::ClientStatus::ok; }
};

class LogClient {
 public:
  // `producer_id` must be unique in the run, and nonzero for a client that
  // sends (0: a consumer only).
  LogClient(ClientEnv& env, std::uint64_t producer_id, LogClientOptions options);

  // Sends `values` (1 to send_values_max()) to `partition` (acks=all) as
  // batches of up to options.batch_records_max, all in flight at once,
  // value i under this producer's next sequence plus i; each batch retries
  // its own sequences on not_leader, unknown and timeouts until
  // options.op_timeout_ns is spent. Result i is value i's. `transactional`:
  // the values belong to the producer's open transaction (their partition
  // must have been added to it).
  std::vector<SendResult> send(commitlog::PartitionId partition,
                               const std::vector<std::int64_t>& values, bool transactional = false);
  // A transaction: add each partition before the first send to it, then end
  // it. The end's answer carries the epoch the next transaction takes
  // (KIP-890), which later sends use, from sequence 0.
  TxnStep add_to_transaction(commitlog::PartitionId partition, std::int64_t timeout_ns);
  TxnEnd end_transaction(bool commit, std::int64_t timeout_ns);
  // Commits `offset` for `partition` in `group` as part of the open
  // transaction (Kafka's sendOffsetsToTransaction): the group's offset
  // moves if and when the transaction commits. `member` must own the
  // partition in `generation`, else the step is fenced.
  TxnStep commit_offset_in_transaction(std::uint32_t group, std::uint64_t member,
                                       std::int64_t generation, commitlog::PartitionId partition,
                                       commitlog::Offset offset, std::int64_t timeout_ns);
  // Fetches up to `records_max` committed records from `offset` as a
  // read_committed consumer (nothing of an open or aborted transaction),
  // following leadership, for at most `timeout_ns`. Fetches change nothing.
  FetchResult fetch(commitlog::PartitionId partition, commitlog::Offset offset,
                    std::uint32_t records_max, std::int64_t timeout_ns);

  // Heartbeats to `group`'s coordinator as `member`, waiting (up to
  // `timeout_ns`) while the member's join is still being decided.
  GroupView heartbeat(std::uint32_t group, std::uint64_t member, std::int64_t timeout_ns);
  // Commits `offset` (the next one to process) for `partition` in the
  // member's `generation`; true once the coordinator has applied it.
  bool commit_offset(std::uint32_t group, std::uint64_t member, std::int64_t generation,
                     commitlog::PartitionId partition, commitlog::Offset offset,
                     std::int64_t timeout_ns);

  std::uint64_t producer_id() const { return producer_id_; }
  commitlog::Epoch producer_epoch() const { return producer_epoch_; }
  // The sequence the next send to `partition` carries.
  std::int64_t next_sequence(commitlog::PartitionId partition) const;
  const LogClientOptions& options() const { return options_; }
  std::size_t send_values_max() const { return simlab::send_values_max(options_); }

 private:
  // The node to ask about `partition`: its cached leader, else (after a
  // metadata request) its leader by a random broker's account, else a
  // random broker, which redirects.
  NodeId target(commitlog::PartitionId partition, std::int64_t deadline_ns);
  void refresh_metadata(std::int64_t deadline_ns);
  // Follows a not_leader reply: true when it named another node to ask at once.
  bool follow_hint(commitlog::PartitionId partition, NodeId asked, NodeId hint);
  std::optional<commitlog::ClientReply> call(NodeId node, const Bytes& request,
                                             std::int64_t deadline_ns);
  // Asks the coordinator (the controller's leader), following not_leader
  // hints and waiting out rebalance_in_progress; empty on no answer in time.
  std::optional<commitlog::ClientReply> ask_coordinator(const commitlog::ClientRequest& request,
                                                        std::int64_t timeout_ns);
  NodeId random_node();
  void back_off(int attempt);
  // Sends a transaction request (this producer's id and epoch filled in)
  // to the coordinator and says what became of the transaction.
  TxnStep transaction_step(commitlog::ClientRequest& request, std::int64_t timeout_ns);

 public:
  struct InFlight;  // one batch of a pipelined send

 private:
  bool send_round(std::vector<InFlight>& batches, NodeId node, std::int64_t deadline_ns);
  // Handles batch i's answer (empty: no answer in time) in one round; true
  // when the next round may start at once.
  bool on_send_reply(std::vector<InFlight>& batches, std::size_t i,
                     const std::optional<commitlog::ClientReply>& reply, NodeId node,
                     bool first_unacknowledged, bool& bump_epoch);
  static void settle(InFlight& value, bool producer_unusable);
  void renumber_under_new_epoch(std::vector<InFlight>& batches);
  // The coordinator's epoch for this producer's next transaction.
  void adopt_epoch(commitlog::Epoch epoch);
  std::vector<SendResult> finish_send(std::vector<InFlight>& batches,
                                      commitlog::PartitionId partition);

  ClientEnv& env_;
  std::uint64_t producer_id_;
  commitlog::Epoch producer_epoch_ = 0;
  LogClientOptions options_;
  std::map<commitlog::PartitionId, NodeId> leaders_;  // last known leader per partition
  std::map<commitlog::PartitionId, std::int64_t> sequences_;
  NodeId coordinator_ = kNoNode;  // last known
};

}  // namespace simlab

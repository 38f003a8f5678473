// The client side of the commit log's protocol (systems/log/log_protocol.h):
// finds each partition's leader (a metadata request to a random broker,
// cached, then a not_leader reply's hint or a fresh metadata request when
// leadership moves), sends as Kafka's idempotent producer (one producer id,
// epoch 0, a sequence per partition that advances only after an ok, and
// the same sequence on every retry of a send, so the broker appends it at
// most once), fetches committed records, and speaks to the consumer
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
};

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

struct FetchResult {
  // ok: a leader answered with records (possibly none) and its high
  // watermark. offset_out_of_range: the offset is past the leader's log
  // end (high_watermark is the leader's). unknown: no answer in time.
  commitlog::ClientStatus status = commitlog::ClientStatus::unknown;
  commitlog::Offset high_watermark = 0;
  std::vector<commitlog::FetchedRecord> records;
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

  // Sends `value` to `partition` (acks=all) under this producer's next
  // sequence for it, retrying that same sequence on not_leader, unknown and
  // timeouts until options.op_timeout_ns is spent.
  SendResult send(commitlog::PartitionId partition, std::int64_t value);
  // Fetches up to `records_max` committed records from `offset`, following
  // leadership, for at most `timeout_ns`. Fetches change nothing.
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
  // The sequence the next send to `partition` carries.
  std::int64_t next_sequence(commitlog::PartitionId partition) const;
  const LogClientOptions& options() const { return options_; }

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

  ClientEnv& env_;
  std::uint64_t producer_id_;
  LogClientOptions options_;
  std::map<commitlog::PartitionId, NodeId> leaders_;  // last known leader per partition
  std::map<commitlog::PartitionId, std::int64_t> sequences_;
  NodeId coordinator_ = kNoNode;  // last known
};

}  // namespace simlab

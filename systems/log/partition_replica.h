// One broker's copy of one partition: its log (a segment file of CRC'd
// frames), its epoch cache, its high watermark, and its part in Kafka's
// replication protocol as the leader (produce, ISR upkeep, high watermark
// from the ISR's durable ends) or a follower (truncate by leader epoch as
// KIP-101 and KIP-279 say, then fetch).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "systems/common/node_context.h"
#include "systems/log/log_bugs.h"
#include "systems/log/log_messages.h"
#include "systems/log/log_options.h"
#include "systems/log/log_protocol.h"
#include "systems/log/metadata.h"
#include "systems/log/producer_state.h"
#include "systems/log/txn_index.h"
#include "systems/raft/disk_queue.h"

namespace simlab::commitlog {

// What a replica needs from the broker that hosts it.
struct BrokerEnv {
  NodeId self = kNoNode;
  std::uint64_t incarnation = 0;  // this process's (new at every start)
  const LogOptions* options = nullptr;
  LogBugs bugs;
  raft::DiskQueue* disk = nullptr;
  // Sends an ISR change to the active controller.
  std::function<void(NodeContext&, const BrokerMessage&)> to_controller;
  // Sends to a broker, this one included (a marker's ack to a coordinator
  // that may be this broker).
  std::function<void(NodeContext&, NodeId, const BrokerMessage&)> to_broker;
};

enum class ReplicaRole : std::uint8_t { none, leader, follower };

class PartitionReplica {
 public:
  PartitionReplica(PartitionId id, BrokerEnv& env) : id_(id), env_(env) {}

  // Reads the segment and the high-watermark checkpoint (boot or restart).
  void recover(NodeContext& context);
  bool loaded() const { return loaded_; }
  // The controller's state for this partition, after every step that may
  // have changed it.
  void on_metadata(NodeContext& context, const PartitionState& state);
  void on_tick(NodeContext& context);
  void on_fsync_due(NodeContext& context);
  void on_message(NodeContext& context, NodeId from, const BrokerMessage& message);
  void on_produce(NodeContext& context, RequestId request, const ClientRequest& produce);
  void on_fetch(NodeContext& context, RequestId request, const ClientRequest& fetch);
  // A disk error: everything in memory is dropped and read again.
  void reset(NodeContext& context);

  // --- observation (the observer, invariants, status) ---
  PartitionId id() const { return id_; }
  ReplicaRole role() const { return role_; }
  NodeId leader() const { return state_.leader; }
  Epoch leader_epoch() const { return state_.leader_epoch; }
  const PartitionState& state() const { return state_; }
  const std::vector<Record>& records() const { return log_; }
  Offset log_end() const { return static_cast<Offset>(log_.size()); }
  Offset durable_end() const { return durable_end_; }
  Offset high_watermark() const { return hw_; }
  // What a read_committed consumer may read below: the high watermark, or
  // the first offset of an open transaction below it (Kafka's LSO).
  Offset last_stable_offset() const { return std::min(hw_, txns_.first_open()); }
  const TxnIndex& txns() const { return txns_; }
  // Everything below it was acknowledged to a client as committed (acks=all)
  // by this replica as leader.
  Offset acknowledged_end() const { return acknowledged_end_; }
  // chain(o): a hash over records [0, o), so two copies can be compared in
  // O(1); chain(0) == 0.
  std::uint64_t chain(Offset end) const { return end == 0 ? 0 : chains_[end - 1]; }
  // Recovery cut records this copy had synced (a bit flipped on disk, not
  // a torn unsynced tail): until it has caught up as a follower it must not
  // lead or count as in sync (KIP-966's unclean recovery).
  bool damaged() const { return damaged_; }
  // The members the leader counts for its high watermark: the ISR and any
  // change it has asked for and not yet seen decided.
  std::vector<NodeId> counted_isr() const;
  void check_invariants() const;

 private:
  struct FollowerProgress {
    Offset log_end = -1;  // -1: not heard from in this epoch
    Offset durable_end = 0;
    std::int64_t caught_up_ns = 0;
    // A caught-up follower's fetch waits here until there is something to
    // send (Kafka's fetch.max.wait): replication then follows an append by
    // one message instead of by a polling interval.
    bool parked = false;
    std::int64_t parked_ns = 0;
    // The log end the last reply brought it to, and when: a follower that
    // has since made all of that durable was caught up then (Kafka's
    // lastCaughtUpTime, judged on what counts here, the durable end, so a
    // follower whose disk stalls leaves the ISR instead of stalling it;
    // maintain_isr allows one fsync interval on top of replica_lag).
    Offset replied_end = 0;
    std::int64_t replied_ns = 0;
  };
  struct PendingProduce {
    Offset first = 0;  // the batch's records, answered once the last is committed
    Offset last = 0;
    RequestId request = 0;
    Acks acks = Acks::all;
  };
  // A marker's ack, sent once the marker (at `offset`) is committed.
  struct PendingMarker {
    Offset offset = 0;
    NodeId coordinator = kNoNode;
    BrokerMessage ack;
  };
  struct PendingIsr {
    std::int64_t based_on = 0;  // the partition epoch it was asked at
    std::vector<NodeId> isr;
    std::int64_t sent_ns = 0;
  };
  enum class FollowerStep : std::uint8_t { truncating, fetching };

  // partition_replica.cpp: roles and client requests
  void become_leader(NodeContext& context);
  void become_follower(NodeContext& context);
  void step_down(NodeContext& context);
  void reply(NodeContext& context, RequestId request, const ClientReply& answer) const;
  void append_as_leader(NodeContext& context, RequestId request, const ClientRequest& produce);
  void answer_pending(NodeContext& context);
  void ask_to_resign(NodeContext& context);
  // partition_txn.cpp: transaction markers
  void handle_txn_marker(NodeContext& context, NodeId from, const BrokerMessage& marker);
  void append_marker(NodeContext& context, const BrokerMessage& marker);
  void ack_marker_at(NodeContext& context, Offset offset, NodeId coordinator,
                     const BrokerMessage& marker);
  void answer_pending_markers(NodeContext& context);

  // partition_leader.cpp: the leader's side of replication
  void handle_replica_fetch(NodeContext& context, NodeId from, const BrokerMessage& message);
  void handle_epoch_query(NodeContext& context, NodeId from, const BrokerMessage& message);
  void advance_high_watermark(NodeContext& context);
  void maintain_isr(NodeContext& context);
  // Answers parked fetches that now have records or a newer high watermark
  // to carry, or (`expired_only`) those parked too long to keep waiting.
  void answer_parked(NodeContext& context, bool expired_only);
  void send_fetch_reply(NodeContext& context, NodeId to, Offset from);
  void ask_isr_change(NodeContext& context, std::vector<NodeId> isr);

  // partition_follower.cpp: the follower's side
  void send_epoch_query(NodeContext& context);
  void handle_epoch_answer(NodeContext& context, const BrokerMessage& message);
  void send_fetch(NodeContext& context);
  void handle_fetch_reply(NodeContext& context, const BrokerMessage& message);
  void report_durable(NodeContext& context);

  // partition_storage.cpp: the segment, the checkpoint, the epoch cache
  std::string segment_file() const;
  std::string checkpoint_file() const;
  std::string damage_file() const;
  void mark_damaged(NodeContext& context);
  void clear_damage(NodeContext& context);
  void load_segment(NodeContext& context, ByteView bytes);
  // Appends records that follow the log end, as one write to the segment.
  void append(NodeContext& context, std::span<const Record> records);
  void sync_now(NodeContext& context);
  void truncate_to(NodeContext& context, Offset end);
  void rebuild_derived();
  void checkpoint_high_watermark(NodeContext& context);
  void raise_high_watermark(Offset hw);
  Epoch latest_epoch() const;
  // KIP-101's answer: the largest epoch <= `epoch` this log knows, and the
  // offset where it ends (the next epoch's start, or the log end).
  std::pair<Epoch, Offset> epoch_end(Epoch epoch) const;

  PartitionId id_;
  BrokerEnv& env_;
  bool loaded_ = false;
  std::uint64_t generation_ = 0;  // bumped by reset(): stale disk callbacks do nothing

  // The log and what derives from it.
  std::vector<Record> log_;
  std::vector<std::uint64_t> chains_;
  std::map<Epoch, Offset> epoch_starts_;  // leader epoch -> its first offset
  ProducerTable producers_;
  TxnIndex txns_;
  Offset durable_end_ = 0;
  Offset written_end_ = 0;  // frames handed to the disk queue
  bool fsync_queued_ = false;
  Offset hw_ = 0;
  Offset checkpointed_hw_ = 0;
  bool checkpoint_in_flight_ = false;
  std::int64_t checkpointed_ns_ = 0;  // when the last checkpoint was written

  // Role, as the applied metadata says.
  PartitionState state_;
  ReplicaRole role_ = ReplicaRole::none;
  bool have_state_ = false;

  // Leader.
  std::map<NodeId, FollowerProgress> followers_;
  std::vector<PendingProduce> pending_;
  std::vector<PendingMarker> pending_markers_;
  std::optional<PendingIsr> pending_isr_;
  Offset acknowledged_end_ = 0;
  bool damaged_ = false;
  bool damage_marked_ = false;    // the damage file says so (read at recovery)
  Offset repair_target_ = -1;     // damaged: the leader's log end it must reach
  std::int64_t resigned_ns_ = 0;  // when it last asked the controller to pass it over

  // Follower.
  FollowerStep step_ = FollowerStep::truncating;
  Epoch asked_epoch_ = -1;
  std::int64_t last_request_ns_ = 0;
  bool request_in_flight_ = false;
  Offset reported_durable_ = 0;  // the durable end the last fetch carried
};

}  // namespace simlab::commitlog

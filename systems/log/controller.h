// The active controller's duties (KRaft's QuorumController), run by the
// broker that leads the controller's Raft: it fences brokers it has not
// heard from within the session timeout, elects a partition's new leader
// from its live ISR members when the leader is fenced (or leaves it offline
// when none is alive), brings an offline partition back when an ISR member
// returns, and turns the partition leaders' ISR requests into commands. Its
// state is volatile: a new controller starts by trusting every broker for one
// session timeout.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "systems/common/node_context.h"
#include "systems/log/log_bugs.h"
#include "systems/log/log_messages.h"
#include "systems/log/log_options.h"
#include "systems/log/metadata.h"
#include "systems/raft/raft.h"

namespace simlab::commitlog {

class ActiveController {
 public:
  ActiveController(NodeId self, const LogOptions& options, LogBugs bugs)
      : self_(self), options_(options), bugs_(bugs) {}

  // Every broker tick. Does nothing unless `raft` leads. `incarnation` is
  // this broker's own.
  void on_tick(NodeContext& context, raft::Raft& raft, const Metadata& metadata,
               std::uint64_t incarnation);
  void on_heartbeat(NodeContext& context, NodeId from, std::uint64_t incarnation);
  void on_alter_isr(NodeContext& context, raft::Raft& raft, NodeId from,
                    const BrokerMessage& message);
  // A broker whose copy lost committed records leaves the ISR, and hands
  // leadership to another live ISR member if it led; alone in the ISR it
  // stays (no other copy is better) and the partition waits.
  void on_resign(NodeContext& context, raft::Raft& raft, const Metadata& metadata, NodeId from,
                 const BrokerMessage& message);
  // Brokers this controller believes alive (for status and tests).
  bool alive(NodeId broker, std::int64_t now_ns) const;

 private:
  void start_term(NodeContext& context, const Metadata& metadata);
  void elect_where_needed(NodeContext& context, raft::Raft& raft, const PartitionState& state,
                          PartitionId partition);
  std::optional<NodeId> pick_leader(const PartitionState& state, std::int64_t now_ns) const;
  // Alive and heard from in this term: its incarnation is known, so it can
  // be elected.
  bool eligible(NodeId broker, std::int64_t now_ns) const;
  void propose(NodeContext& context, raft::Raft& raft, const ControllerCommand& command);

  NodeId self_;
  const LogOptions& options_;
  LogBugs bugs_;
  bool active_ = false;
  raft::Term term_ = 0;
  std::map<NodeId, std::int64_t> heard_ns_;  // monotonic time of the last heartbeat
  std::map<NodeId, std::uint64_t> incarnations_;  // from heartbeats, this term
  // Elections proposed, by partition: the partition epoch each was decided
  // at and when, so one is not proposed again every tick.
  std::map<PartitionId, std::pair<std::int64_t, std::int64_t>> proposed_;
};

}  // namespace simlab::commitlog

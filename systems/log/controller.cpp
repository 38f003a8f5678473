#include "systems/log/controller.h"

#include <fmt/format.h>

namespace simlab::commitlog {
namespace {

constexpr std::int64_t kReproposeNs = 300 * kNanosecondsPerMillisecond;

}  // namespace

bool ActiveController::alive(NodeId broker, std::int64_t now_ns) const {
  if (broker == self_) return true;
  const auto found = heard_ns_.find(broker);
  return found != heard_ns_.end() && now_ns - found->second < options_.session_timeout_ns;
}

bool ActiveController::eligible(NodeId broker, std::int64_t now_ns) const {
  return alive(broker, now_ns) && incarnations_.contains(broker);
}

void ActiveController::start_term(NodeContext& context, const Metadata& metadata) {
  heard_ns_.clear();
  incarnations_.clear();
  proposed_.clear();
  for (const PartitionState& state : metadata.partitions()) {
    for (NodeId replica : state.replicas) heard_ns_[replica] = context.monotonic_ns();
  }
}

void ActiveController::on_heartbeat(NodeContext& context, NodeId from, std::uint64_t incarnation) {
  if (!active_) return;
  heard_ns_[from] = context.monotonic_ns();
  incarnations_[from] = incarnation;
}

void ActiveController::on_tick(NodeContext& context, raft::Raft& raft, const Metadata& metadata,
                               std::uint64_t incarnation) {
  const bool leads = raft.role() == raft::Role::leader;
  if (!leads) {
    active_ = false;
    return;
  }
  if (!active_ || term_ != raft.term()) start_term(context, metadata);
  active_ = true;
  term_ = raft.term();
  incarnations_[self_] = incarnation;
  // Commands decided on a state Raft has not applied yet would only fail
  // their compare-and-set: wait until this term's first entry is applied.
  if (raft.applied_index() < raft.commit_index()) return;
  for (PartitionId p = 0; p < metadata.partitions().size(); ++p) {
    elect_where_needed(context, raft, metadata.partition(p), p);
  }
}

// Another live ISR member first (a restarted leader may have lost an
// unsynced tail: KRaft fences it and moves leadership away), then the old
// leader itself in a new epoch when it is the only one left, and with the
// planted bug any live replica at all.
std::optional<NodeId> ActiveController::pick_leader(const PartitionState& state,
                                                    std::int64_t now_ns) const {
  for (NodeId replica : state.replicas) {
    if (replica != state.leader && state.in_isr(replica) && eligible(replica, now_ns)) {
      return replica;
    }
  }
  if (state.leader != kNoNode && state.in_isr(state.leader) && eligible(state.leader, now_ns)) {
    return state.leader;
  }
  if (bugs_.unclean_leader_election) {
    for (NodeId replica : state.replicas) {
      if (eligible(replica, now_ns)) return replica;
    }
  }
  return std::nullopt;
}

void ActiveController::elect_where_needed(NodeContext& context, raft::Raft& raft,
                                          const PartitionState& state, PartitionId partition) {
  const std::int64_t now = context.monotonic_ns();
  const bool leader_lost = state.leader != kNoNode && !alive(state.leader, now);
  if (state.leader != kNoNode && !leader_lost) {
    const auto known = incarnations_.find(state.leader);
    if (known == incarnations_.end()) return;               // wait for its heartbeat
    if (known->second == state.leader_incarnation) return;  // it leads as elected
  }
  const auto proposed = proposed_.find(partition);
  if (proposed != proposed_.end() && proposed->second.first == state.partition_epoch &&
      now - proposed->second.second < kReproposeNs) {
    return;
  }
  ControllerCommand command;
  command.kind = CommandKind::elect;
  command.partition = partition;
  command.expected_partition_epoch = state.partition_epoch;
  const std::optional<NodeId> next = pick_leader(state, now);
  if (next) {
    command.leader = *next;
    command.leader_incarnation = incarnations_.at(*next);
    if (state.in_isr(*next)) {
      for (NodeId member : state.isr) {
        if (member != state.leader || !leader_lost) command.isr.push_back(member);
      }
    } else {
      command.isr = {*next};  // unclean: the new leader's log is the truth now
    }
  } else if (leader_lost) {
    // No live ISR member: offline, with the ISR kept so that only one of
    // its members can lead again (KRaft keeps the last member).
    command.leader = kNoNode;
    command.isr = state.isr;
  } else {
    return;  // offline and still nobody eligible
  }
  proposed_[partition] = {state.partition_epoch, now};
  propose(context, raft, command);
}

void ActiveController::on_alter_isr(NodeContext& context, raft::Raft& raft, NodeId from,
                                    const BrokerMessage& message) {
  if (!active_ || raft.role() != raft::Role::leader) return;
  ControllerCommand command;
  command.kind = CommandKind::alter_isr;
  command.partition = message.partition;
  command.expected_partition_epoch = message.partition_epoch;
  command.leader = from;
  command.leader_epoch = message.leader_epoch;
  command.isr = message.isr;
  propose(context, raft, command);
}

void ActiveController::on_resign(NodeContext& context, raft::Raft& raft, const Metadata& metadata,
                                 NodeId from, const BrokerMessage& message) {
  if (!active_ || raft.role() != raft::Role::leader) return;
  if (message.partition >= metadata.partitions().size()) return;
  const PartitionState& state = metadata.partition(message.partition);
  if (!state.in_isr(from)) return;
  ControllerCommand command;
  command.partition = message.partition;
  command.expected_partition_epoch = state.partition_epoch;
  for (NodeId member : state.isr) {
    if (member != from) command.isr.push_back(member);
  }
  if (command.isr.empty()) return;
  if (state.leader == from || state.leader == kNoNode) {
    const std::int64_t now = context.monotonic_ns();
    for (NodeId replica : state.replicas) {
      if (replica != from && state.in_isr(replica) && eligible(replica, now)) {
        command.leader = replica;
        command.leader_incarnation = incarnations_.at(replica);
        break;
      }
    }
    if (command.leader == kNoNode) return;  // asked again once another member is back
    command.kind = CommandKind::elect;
  } else {
    command.kind = CommandKind::alter_isr;  // on the leader's behalf, at its epoch
    command.leader = state.leader;
    command.leader_epoch = state.leader_epoch;
  }
  propose(context, raft, command);
}

void ActiveController::propose(NodeContext& context, raft::Raft& raft,
                               const ControllerCommand& command) {
  if (context.log_enabled()) context.log("controller: propose " + command_text(command));
  raft.propose(context, encode_command(command));
}

}  // namespace simlab::commitlog

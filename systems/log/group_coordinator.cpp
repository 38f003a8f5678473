#include "systems/log/group_coordinator.h"

namespace simlab::commitlog {
namespace {

constexpr std::int64_t kReproposeNs = 300 * kNanosecondsPerMillisecond;

void answer(NodeContext& context, RequestId request, const ClientReply& reply) {
  context.reply(request, encode_client_reply(reply));
}

}  // namespace

bool GroupCoordinator::alive(const Liveness& liveness, MemberId member, std::int64_t now_ns) const {
  const auto it = liveness.heard_ns.find(member);
  return it != liveness.heard_ns.end() && now_ns - it->second < options_.group_session_timeout_ns;
}

void GroupCoordinator::start_term(NodeContext& context, const raft::Raft& raft,
                                  const Groups& groups) {
  answer_pending(context, ClientStatus::unknown);
  liveness_.clear();
  for (const auto& [id, state] : groups.all()) {
    Liveness& liveness = liveness_[id];
    for (MemberId member : state.members) liveness.heard_ns[member] = context.monotonic_ns();
  }
  term_ = raft.term();
  active_ = true;
}

bool GroupCoordinator::serving(NodeContext& context, const raft::Raft& raft, const Groups& groups) {
  if (!raft.leader_knows_commit()) return false;
  if (!active_ || term_ != raft.term()) start_term(context, raft, groups);
  return true;
}

void GroupCoordinator::on_request(NodeContext& context, raft::Raft& raft, const Groups& groups,
                                  const Txns& txns, RequestId request,
                                  const ClientRequest& message) {
  if (message.member == kNoMember) {
    answer(context, request, status_reply(ClientStatus::illegal_generation, kNoNode));
    return;
  }
  if (!serving(context, raft, groups)) {
    const NodeId leader = raft.leader();
    const NodeId hint = leader == raft::kNoNode || leader == raft.self() ? kNoNode : leader;
    answer(context, request, status_reply(ClientStatus::not_leader, hint));
    return;
  }
  liveness_[message.group].heard_ns[message.member] = context.monotonic_ns();
  if (message.kind == ClientKind::group_heartbeat) {
    heartbeat(context, groups, txns, request, message);
  } else {
    commit(context, raft, groups, request, message);
  }
}

// A member not in the current generation waits for the change its
// heartbeat set off (on_tick proposes it).
void GroupCoordinator::heartbeat(NodeContext& context, const Groups& groups, const Txns& txns,
                                 RequestId request, const ClientRequest& message) {
  const GroupState& state = groups.group(message.group);
  if (!state.has_member(message.member)) {
    answer(context, request, status_reply(ClientStatus::rebalance_in_progress, kNoNode));
    return;
  }
  ClientReply reply;
  reply.generation = state.generation;
  reply.assigned = state.assignment(message.member, options_.partitions);
  for (AssignedPartition& assigned : reply.assigned) {
    if (txns.holds_offset(message.group, assigned.partition)) assigned.committed = kUnstableOffset;
  }
  answer(context, request, reply);
}

void GroupCoordinator::commit(NodeContext& context, raft::Raft& raft, const Groups& groups,
                              RequestId request, const ClientRequest& message) {
  const GroupState& state = groups.group(message.group);
  if (message.partition >= options_.partitions ||
      !state.accepts_commit(message.member, message.generation, message.partition)) {
    answer(context, request, status_reply(ClientStatus::illegal_generation, kNoNode));
    return;
  }
  GroupCommand command;
  command.kind = GroupCommandKind::offset_commit;
  command.group = message.group;
  command.generation = message.generation;
  command.member = message.member;
  command.partition = message.partition;
  command.offset = message.offset;
  const std::optional<raft::Index> index = raft.propose(context, encode_group_command(command));
  if (!index) {
    answer(context, request, status_reply(ClientStatus::not_leader, kNoNode));
    return;
  }
  pending_[*index] = PendingCommit{raft.term(), request};
}

void GroupCoordinator::on_applied(NodeContext& context, raft::Index index, raft::Term term,
                                  bool changed) {
  const auto it = pending_.find(index);
  if (it == pending_.end()) return;
  // Another term's entry at the index: the commit was never applied.
  const ClientStatus status = it->second.term != term ? ClientStatus::unknown
                              : changed               ? ClientStatus::ok
                                                      : ClientStatus::illegal_generation;
  answer(context, it->second.request, status_reply(status, kNoNode));
  pending_.erase(it);
}

void GroupCoordinator::answer_pending(NodeContext& context, ClientStatus status) {
  for (const auto& [index, pending] : pending_) {
    answer(context, pending.request, status_reply(status, kNoNode));
  }
  pending_.clear();
}

void GroupCoordinator::on_tick(NodeContext& context, raft::Raft& raft, const Groups& groups) {
  if (raft.role() != raft::Role::leader || (active_ && term_ != raft.term())) {
    answer_pending(context, ClientStatus::unknown);
    active_ = false;
    liveness_.clear();
    return;
  }
  if (!serving(context, raft, groups)) return;
  for (auto& [id, liveness] : liveness_) {
    rebalance_where_needed(context, raft, id, groups.group(id), liveness);
  }
}

// The membership a group should have is every member heard from within the
// session timeout; a change is proposed at the current generation, again
// only if it has not been applied after a while.
void GroupCoordinator::rebalance_where_needed(NodeContext& context, raft::Raft& raft, GroupId id,
                                              const GroupState& state, Liveness& liveness) {
  const std::int64_t now = context.monotonic_ns();
  std::vector<MemberId> wanted;
  for (auto it = liveness.heard_ns.begin(); it != liveness.heard_ns.end();) {
    if (alive(liveness, it->first, now)) {
      wanted.push_back(it->first);  // the map's order: sorted
      ++it;
    } else if (!state.has_member(it->first)) {
      it = liveness.heard_ns.erase(it);  // gone, and out of the group
    } else {
      ++it;
    }
  }
  if (wanted == state.members) return;
  if (liveness.proposed_generation == state.generation && now - liveness.proposed_ns < kReproposeNs)
    return;
  GroupCommand command;
  command.kind = GroupCommandKind::members;
  command.group = id;
  command.generation = state.generation;
  command.members = wanted;
  if (!raft.propose(context, encode_group_command(command))) return;
  liveness.proposed_generation = state.generation;
  liveness.proposed_ns = now;
  if (context.log_enabled()) context.log("coordinator proposes " + group_command_text(command));
}

}  // namespace simlab::commitlog

// The consumer groups' coordinator, run by the broker that leads the
// controller's Raft (Kafka runs it on the leader of a __consumer_offsets
// partition; here the group state is in the controller's log, so its
// leader coordinates). It speaks KIP-848's protocol: a member chooses its
// own id and heartbeats; the coordinator answers with the member's
// partitions in the current generation and the group's committed offsets
// for them. A heartbeat from a new member, or a member silent for the
// group session timeout, makes the coordinator propose a new membership
// (a new generation). Offset commits go through Raft and are answered once
// applied. Its liveness view is volatile: a new coordinator trusts every
// member for one session timeout.
#pragma once

#include <cstdint>
#include <map>

#include "systems/common/node_context.h"
#include "systems/log/group_state.h"
#include "systems/log/log_options.h"
#include "systems/log/txn_state.h"
#include "systems/raft/raft.h"

namespace simlab::commitlog {

class GroupCoordinator {
 public:
  explicit GroupCoordinator(const LogOptions& options) : options_(options) {}

  // A group_heartbeat or offset_commit. Answered now, or, for a commit Raft
  // accepted, once it is applied (on_applied). `txns`: which partitions'
  // offsets open transactions hold (a heartbeat calls them unstable).
  void on_request(NodeContext& context, raft::Raft& raft, const Groups& groups, const Txns& txns,
                  RequestId request, const ClientRequest& message);
  // Every broker tick: expires silent members and proposes the membership
  // each group should have; a coordinator that lost its term answers what
  // it was waiting on as unknown.
  void on_tick(NodeContext& context, raft::Raft& raft, const Groups& groups);
  // Raft applied a group command at `index` in `term`; `changed`: its
  // generation check held.
  void on_applied(NodeContext& context, raft::Index index, raft::Term term, bool changed);

 private:
  struct Liveness {
    std::map<MemberId, std::int64_t> heard_ns;  // members and would-be members
    std::int64_t proposed_generation = -1;      // a membership change in flight at it
    std::int64_t proposed_ns = 0;
  };
  struct PendingCommit {
    raft::Term term = 0;
    RequestId request = 0;
  };

  // Leads the controller's Raft in the term this coordinator started, and
  // knows every committed command.
  bool serving(NodeContext& context, const raft::Raft& raft, const Groups& groups);
  void start_term(NodeContext& context, const raft::Raft& raft, const Groups& groups);
  void heartbeat(NodeContext& context, const Groups& groups, const Txns& txns, RequestId request,
                 const ClientRequest& message);
  void commit(NodeContext& context, raft::Raft& raft, const Groups& groups, RequestId request,
              const ClientRequest& message);
  void rebalance_where_needed(NodeContext& context, raft::Raft& raft, GroupId id,
                              const GroupState& state, Liveness& liveness);
  void answer_pending(NodeContext& context, ClientStatus status);
  bool alive(const Liveness& liveness, MemberId member, std::int64_t now_ns) const;

  const LogOptions& options_;
  bool active_ = false;
  raft::Term term_ = 0;
  std::map<GroupId, Liveness> liveness_;
  std::map<raft::Index, PendingCommit> pending_;
};

}  // namespace simlab::commitlog

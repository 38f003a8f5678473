// Node-local invariants, run by the driver after every step. Each names the
// property from Figure 2 / Figure 3 it guards.
#include "systems/common/violation.h"
#include "systems/raft/limits.h"
#include "systems/raft/raft.h"

namespace simlab::raft {

void Raft::check_invariants() const {
  if (!loaded_) return;
  // Built only when an assertion fails: this runs after every step.
  const auto node = [this] { return "node " + std::to_string(self_) + ": "; };
  SIMLAB_ASSERT(applied_ <= commit_, "raft.applied-within-commit",
                node() + "applied " + std::to_string(applied_) + " > commit " +
                    std::to_string(commit_));
  SIMLAB_ASSERT(commit_ <= log_.last_index() || commit_ == log_.snapshot_index(),
                "raft.commit-within-log", node() + "commit beyond the log");
  SIMLAB_ASSERT(log_.snapshot_index() <= applied_, "raft.snapshot-applied",
                node() + "snapshot ahead of the state machine");
  SIMLAB_ASSERT(log_.last_term() <= hard_.term, "raft.log-term-bounded",
                node() + "an entry's term exceeds the current term");
  SIMLAB_ASSERT(role_ != Role::leader || hard_.vote == self_, "raft.leader-voted-for-self",
                node() + "a leader that did not vote for itself");
  SIMLAB_ASSERT(role_ != Role::leader || leader_ == self_, "raft.leader-knows-itself",
                node() + "leader field disagrees with role");
  SIMLAB_ASSERT(held_.size() <= kDurableOutboxMax, "raft.outbox-bound", node() + "outbox overflow");
  SIMLAB_ASSERT(reads_.size() <= kPendingReadsMax, "raft.read-bound", node() + "too many reads");
  SIMLAB_ASSERT(configs_.back().second.voters.size() + configs_.back().second.learners.size() <=
                    kMembersMax,
                "raft.members-bound", node() + "too many members");
  // Log terms never decrease along the log (follows from §5.3 append rules).
  // Checked over the last few entries, where entries change, so the
  // step cost stays flat (RaftLog::append asserts it for every entry).
  const Index window_start = log_.last_index() > 2 ? log_.last_index() - 2 : 0;
  Term previous = 0;
  for (Index index = std::max(window_start, log_.snapshot_index()); index <= log_.last_index();
       ++index) {
    const Term term = *log_.term_at(index);
    SIMLAB_ASSERT(term >= previous, "raft.log-terms-monotonic",
                  node() + "term drops at index " + std::to_string(index));
    previous = term;
  }
  if (role_ == Role::leader) {
    for (const auto& [id, progress] : progress_) {
      SIMLAB_ASSERT(progress.match <= log_.last_index(), "raft.match-within-log",
                    node() + "follower " + std::to_string(id) + " matches beyond our log");
      SIMLAB_ASSERT(progress.inflight.size() <= options_.inflight_appends, "raft.inflight-bound",
                    node() + "pipeline overflow");
    }
  }
}

}  // namespace simlab::raft

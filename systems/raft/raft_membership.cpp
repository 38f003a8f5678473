// Membership changes one server at a time (thesis §4.1-§4.2): a new server
// joins as a learner, is promoted once caught up (§4.2.1), and a new change
// starts only after the previous one committed (§4.1) and after the leader
// committed an entry of its own term (the 2015 fix to single-server changes,
// raft-dev "bug in single-server membership changes").
#include <algorithm>

#include "systems/common/violation.h"
#include "systems/raft/limits.h"
#include "systems/raft/raft.h"

namespace simlab::raft {

ChangeResult Raft::check_change_allowed() const {
  if (role_ != Role::leader) return ChangeResult::not_leader;
  if (transfer_target_ != kNoNode) return ChangeResult::busy;
  if (bugs_.unsafe_membership) return ChangeResult::accepted;  // PLANTED BUG: no overlap check
  if (configs_.back().first > commit_) return ChangeResult::busy;
  if (commit_ < term_start_index_) return ChangeResult::busy;
  return ChangeResult::accepted;
}

ChangeResult Raft::add_server(NodeContext& context, NodeId id) {
  const ChangeResult allowed = check_change_allowed();
  if (allowed == ChangeResult::busy) trace(context, "refusing to add " + std::to_string(id) + ": busy");
  if (allowed != ChangeResult::accepted) return allowed;
  if (id == kNoNode || config().is_member(id)) return ChangeResult::invalid;
  ClusterConfig next = config();
  if (next.voters.size() + next.learners.size() >= kMembersMax) return ChangeResult::invalid;
  // The bug also skips the learner stage: the newcomer votes at once.
  auto& list = bugs_.unsafe_membership ? next.voters : next.learners;
  list.push_back(id);
  std::sort(list.begin(), list.end());
  propose_config(context, std::move(next));
  return ChangeResult::accepted;
}

ChangeResult Raft::remove_server(NodeContext& context, NodeId id) {
  const ChangeResult allowed = check_change_allowed();
  if (allowed == ChangeResult::busy) trace(context, "refusing to remove " + std::to_string(id) + ": busy");
  if (allowed != ChangeResult::accepted) return allowed;
  if (!config().is_member(id)) return ChangeResult::invalid;
  ClusterConfig next = config();
  if (next.is_voter(id) && next.voters.size() == 1) return ChangeResult::invalid;
  std::erase(next.voters, id);
  std::erase(next.learners, id);
  propose_config(context, std::move(next));
  return ChangeResult::accepted;
}

void Raft::propose_config(NodeContext& context, ClusterConfig config) {
  trace(context, "proposing " + config_text(config));
  append_local(context, EntryType::config, config_bytes(config));
  sync_progress_with_config(context);
  broadcast_append(context);
  maybe_commit(context);  // removing a lagging voter may commit at once
}

void Raft::on_config_appended(const Entry& entry) {
  ByteReader reader(entry.data);
  ClusterConfig config = decode_config(reader);
  SIMLAB_ASSERT(reader.ok(), "raft.config-decodes", "a config entry does not decode");
  configs_.push_back({entry.index, std::move(config)});
}

void Raft::truncate_configs_after(Index index) {
  while (configs_.size() > 1 && configs_.back().first > index) configs_.pop_back();
}

// Thesis §4.2.1: promote a learner once it holds what the leader has
// committed, so adding it cannot stall commitment while it catches up.
void Raft::maybe_promote_learners(NodeContext& context) {
  if (config().learners.empty() || check_change_allowed() != ChangeResult::accepted) return;
  for (NodeId id : config().learners) {
    auto found = progress_.find(id);
    if (found == progress_.end() || found->second.match < commit_) continue;
    ClusterConfig next = config();
    std::erase(next.learners, id);
    next.voters.push_back(id);
    std::sort(next.voters.begin(), next.voters.end());
    trace(context, "learner " + std::to_string(id) + " caught up: promoting");
    propose_config(context, std::move(next));
    return;
  }
}

void Raft::sync_progress_with_config(NodeContext& context) {
  (void)context;
  for (auto it = progress_.begin(); it != progress_.end();) {
    it = config().is_member(it->first) || it->first == self_ ? std::next(it) : progress_.erase(it);
  }
  for (NodeId id : config().voters) {
    if (progress_.contains(id)) continue;
    Progress& progress = progress_[id];
    progress.next = log_.last_index();
    progress.recently_active = true;
  }
  for (NodeId id : config().learners) {
    if (progress_.contains(id)) continue;
    Progress& progress = progress_[id];
    progress.next = log_.last_index();
    progress.recently_active = true;
  }
}

// Voters campaign, and so does a node whose removal is not yet committed: a
// leader that appended its own removal and then lost its quorum (check-quorum)
// or crashed must be able to lead again and finish the change. Otherwise,
// with two voters left, the remaining one needs its vote, which it refuses
// (its log holds the removal), and the cluster never elects anyone. A node
// still repairing a corrupt log stays quiet until a leader has restored it
// (it might have lost promises it made).
bool Raft::may_campaign() const {
  if (recovering_) return false;
  if (config().is_voter(self_)) return true;
  for (auto it = configs_.rbegin(); it != configs_.rend(); ++it) {
    if (it->first <= commit_) return it->second.is_voter(self_);  // the committed one
  }
  return false;
}

// Thesis §4.2.2: a leader removed from the configuration manages the cluster
// until the change commits, then steps down.
void Raft::step_down_if_removed(NodeContext& context) {
  if (config().is_voter(self_) || configs_.back().first > commit_) return;
  // Hand over at once rather than make the cluster wait out an election
  // timeout (thesis §3.10 names this use of leader transfer): the most
  // up-to-date remaining voter campaigns now.
  NodeId successor = kNoNode;
  Index best_match = 0;
  for (NodeId id : config().voters) {
    auto found = progress_.find(id);
    if (found != progress_.end() && found->second.match >= best_match) {
      successor = id;
      best_match = found->second.match;
    }
  }
  trace(context, "removed from the configuration: stepping down");
  if (successor != kNoNode && best_match == log_.last_index()) {
    Message now;
    now.type = MessageType::timeout_now;
    now.term = hard_.term;
    send(context, successor, now);
  }
  become_follower(context, hard_.term, kNoNode);
}

}  // namespace simlab::raft

// Leader election (§5.2), pre-vote (thesis §9.6), check-quorum (thesis §6.2)
// and leader transfer (thesis §3.10).
#include "systems/common/violation.h"
#include "systems/raft/raft.h"

namespace simlab::raft {

void Raft::campaign(NodeContext& context, bool pre_vote, bool transfer) {
  if (pre_vote) {
    become_pre_candidate(context);
  } else {
    become_candidate(context, transfer);
  }
  // Our own vote counts only if we are a voter: a node whose removal is
  // still uncommitted campaigns (may_campaign) but needs the others' votes.
  if (config().is_voter(self_)) votes_[self_] = true;
  if (votes_.size() >= config().quorum()) {  // a one-voter cluster
    if (pre_vote) {
      campaign(context, false, transfer);
    } else {
      become_leader(context);
    }
    return;
  }
  Message request;
  request.type = pre_vote ? MessageType::pre_vote : MessageType::vote;
  request.term = pre_vote ? hard_.term + 1 : hard_.term;
  request.log_index = log_.last_index();
  request.log_term = log_.last_term();
  request.transfer = transfer;
  // A real vote request goes out only once our own vote is on disk.
  for (NodeId id : config().voters) {
    if (pre_vote) {
      send(context, id, request);
    } else {
      send_when_durable(context, id, request, hard_state_ticket_);
    }
  }
}

// Leader stickiness: while a node believes a leader is alive it refuses to
// help anyone else win (thesis §4.2.3), so a partitioned or removed server
// cannot disrupt a working cluster. Lease reads depend on this.
bool Raft::in_leader_lease() const {
  if (!options_.check_quorum) return false;
  if (role_ == Role::leader) return true;
  return leader_ != kNoNode && election_elapsed_ < options_.election_ticks;
}

void Raft::handle_vote_request(NodeContext& context, NodeId from, const Message& message) {
  const bool pre_vote = message.type == MessageType::pre_vote;
  const bool log_ok =
      bugs_.vote_ignores_log || log_.is_up_to_date(message.log_index, message.log_term);
  bool can_vote = hard_.vote == from || (hard_.vote == kNoNode && leader_ == kNoNode);
  if (pre_vote) can_vote = message.term > hard_.term || can_vote;
  // A node that lost part of its log to corruption votes only for a log at
  // least as up to date as the one it had before the damage (whose last
  // entry was at most (repair_until, repair_term)): the leader completeness
  // argument of §5.4.3 then holds for the entries it acknowledged and lost.
  const bool repaired_ok = !recovering_ || message.log_term > hard_.repair_term ||
                           (message.log_term == hard_.repair_term &&
                            message.log_index >= recovering_until_);
  const bool grant = can_vote && log_ok && repaired_ok;
  Message answer;
  answer.type = pre_vote ? MessageType::pre_vote_response : MessageType::vote_response;
  answer.term = grant ? message.term : hard_.term;
  answer.reject = !grant;
  trace(context, std::string(grant ? "granted " : "rejected ") + message_type_name(message.type) +
                     " from " + std::to_string(from) + " at term " + std::to_string(message.term));
  if (!grant || pre_vote) {
    send(context, from, answer);
    return;
  }
  election_elapsed_ = 0;
  set_hard_state(context, hard_.term, from);
  send_when_durable(context, from, answer, hard_state_ticket_);
}

void Raft::handle_vote_response(NodeContext& context, NodeId from, const Message& message) {
  const bool pre_vote = message.type == MessageType::pre_vote_response;
  if (pre_vote != (role_ == Role::pre_candidate)) return;
  if (!pre_vote && role_ != Role::candidate) return;
  if (!config().is_voter(from)) return;
  votes_[from] = !message.reject;
  std::size_t granted = 0;
  std::size_t rejected = 0;
  for (const auto& [id, vote] : votes_) (vote ? granted : rejected)++;
  if (granted >= config().quorum()) {
    if (pre_vote) {
      campaign(context, false, false);
    } else {
      become_leader(context);
    }
  } else if (rejected >= config().quorum()) {
    become_follower(context, hard_.term, kNoNode);
  }
}

// Thesis §6.2: a leader that has not heard from a quorum within an election
// timeout steps down, so a partitioned leader stops serving (and stops
// believing in its leadership) within a bounded time.
void Raft::check_quorum_active(NodeContext& context) {
  std::size_t active = 0;
  for (auto& [id, progress] : progress_) {
    if (!config().is_voter(id)) continue;
    if (id == self_ || progress.recently_active) ++active;
    progress.recently_active = false;
  }
  if (active < config().quorum()) {
    trace(context, "stepping down: no quorum heard from in an election timeout");
    become_follower(context, hard_.term, kNoNode);
  }
}

void Raft::handle_timeout_now(NodeContext& context, NodeId from, const Message& message) {
  (void)message;
  if (role_ == Role::leader || from != leader_ || !may_campaign()) return;
  trace(context, "leader " + std::to_string(from) + " asked for an immediate election");
  campaign(context, false, true);
}

ChangeResult Raft::transfer_leadership(NodeContext& context, NodeId target) {
  if (role_ != Role::leader) return ChangeResult::not_leader;
  if (target == self_ || !config().is_voter(target)) return ChangeResult::invalid;
  if (transfer_target_ != kNoNode) return ChangeResult::busy;
  transfer_target_ = target;
  transfer_elapsed_ = 0;
  // The target may win without waiting out anyone's stickiness, so a lease
  // granted before the transfer is no longer a promise (thesis §6.4.1).
  lease_until_tick_ = 0;
  lease_until_ns_ = 0;
  trace(context, "transferring leadership to " + std::to_string(target));
  const Progress& progress = progress_[target];
  if (progress.match == log_.last_index()) {
    Message now;
    now.type = MessageType::timeout_now;
    now.term = hard_.term;
    send(context, target, now);
  } else {
    send_append(context, target, false);
  }
  return ChangeResult::accepted;
}

void Raft::tick_transfer(NodeContext& context) {
  if (transfer_target_ == kNoNode) return;
  if (++transfer_elapsed_ < options_.election_ticks) return;
  trace(context, "leader transfer to " + std::to_string(transfer_target_) + " timed out");
  transfer_target_ = kNoNode;
  transfer_elapsed_ = 0;
}

}  // namespace simlab::raft

#include "systems/raft/raft.h"

#include <algorithm>

#include "systems/common/violation.h"
#include "systems/raft/limits.h"

namespace simlab::raft {

std::string node_text(NodeId id) { return id == kNoNode ? "-" : std::to_string(id); }

const char* role_name(Role role) {
  switch (role) {
    case Role::follower: return "follower";
    case Role::pre_candidate: return "pre-candidate";
    case Role::candidate: return "candidate";
    case Role::leader: return "leader";
  }
  return "?";
}

const char* change_result_name(ChangeResult result) {
  switch (result) {
    case ChangeResult::accepted: return "accepted";
    case ChangeResult::not_leader: return "not-leader";
    case ChangeResult::busy: return "busy";
    case ChangeResult::invalid: return "invalid";
  }
  return "?";
}

Raft::Raft(NodeId self, std::vector<NodeId> initial_members, Options options, Bugs bugs,
           Application& application)
    : self_(self),
      initial_members_(std::move(initial_members)),
      options_(options),
      bugs_(bugs),
      application_(application) {
  SIMLAB_ASSERT(self_ != kNoNode, "raft.node-id", "the largest node id means 'nobody'");
  std::sort(initial_members_.begin(), initial_members_.end());
  // The bug turns lease reads on: it is a bug of the lease, not of ReadIndex.
  if (bugs_.lease_ignores_drift) options_.lease_reads = true;
  configs_.push_back({0, ClusterConfig{}});
}

void Raft::start(NodeContext& context) {
  disk_.set_error_handler(
      [this](NodeContext& ctx, DiskStatus status) { on_disk_error(ctx, status); });
  recover(context);
}

void Raft::on_timer(NodeContext& context, TimerId timer) {
  if (timer != kTickTimer) return;
  context.set_timer(kTickTimer, options_.tick_ns);
  if (loaded_) tick(context);
}

void Raft::on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes) {
  disk_.on_disk_done(context, op, status, bytes);
}

void Raft::on_message(NodeContext& context, NodeId from, ByteView payload) {
  if (!loaded_) return;  // still reading the disk: as if the message were lost
  const std::optional<Message> message = decode_message(payload);
  if (!message) {
    trace(context, "dropped an undecodable message from " + std::to_string(from));
    return;
  }
  if (!step_term(context, from, *message)) return;
  dispatch(context, from, *message);
}

// Term rules of Figure 2 plus the thesis' refinements: pre-votes never move
// terms (§9.6), and a node that heard from a live leader ignores disruptive
// vote requests (§4.2.3, the check-quorum "lease").
bool Raft::step_term(NodeContext& context, NodeId from, const Message& message) {
  const bool vote_request =
      message.type == MessageType::pre_vote || message.type == MessageType::vote;
  if (message.term > hard_.term) {
    if (vote_request && !message.transfer && in_leader_lease()) {
      trace(context, "ignored " + std::string(message_type_name(message.type)) + " from " +
                         std::to_string(from) + ": leader lease");
      return false;
    }
    if (message.type == MessageType::pre_vote) return true;
    if (message.type == MessageType::pre_vote_response && !message.reject) return true;
    const bool from_leader = message.type == MessageType::append ||
                             message.type == MessageType::heartbeat ||
                             message.type == MessageType::snapshot;
    become_follower(context, message.term, from_leader ? from : kNoNode);
    return true;
  }
  if (message.term < hard_.term) {
    // A stale leader learns the new term from our answer (etcd does the
    // same so check-quorum and pre-vote cannot strand it).
    if (message.type == MessageType::append || message.type == MessageType::heartbeat ||
        message.type == MessageType::snapshot) {
      Message answer;
      answer.type = MessageType::append_response;
      answer.term = hard_.term;
      answer.reject = true;
      answer.log_index = 0;  // matches no probe: only the term matters
      send(context, from, answer);
    } else if (message.type == MessageType::pre_vote) {
      Message answer;
      answer.type = MessageType::pre_vote_response;
      answer.term = hard_.term;
      answer.reject = true;
      send(context, from, answer);
    }
    return false;
  }
  return true;
}

void Raft::dispatch(NodeContext& context, NodeId from, const Message& message) {
  switch (message.type) {
    case MessageType::pre_vote:
    case MessageType::vote: handle_vote_request(context, from, message); break;
    case MessageType::pre_vote_response:
    case MessageType::vote_response: handle_vote_response(context, from, message); break;
    case MessageType::append: handle_append(context, from, message); break;
    case MessageType::append_response: handle_append_response(context, from, message); break;
    case MessageType::heartbeat: handle_heartbeat(context, from, message); break;
    case MessageType::heartbeat_response: handle_heartbeat_response(context, from, message); break;
    case MessageType::snapshot: handle_snapshot(context, from, message); break;
    case MessageType::timeout_now: handle_timeout_now(context, from, message); break;
  }
}

void Raft::tick(NodeContext& context) {
  ++ticks_;
  if (role_ == Role::leader) {
    tick_leader(context);
    return;
  }
  ++election_elapsed_;
  if (election_elapsed_ < election_timeout_) return;
  election_elapsed_ = 0;
  randomize_election_timeout(context);
  if (!may_campaign()) return;
  campaign(context, options_.pre_vote, false);
}

void Raft::tick_leader(NodeContext& context) {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= options_.election_ticks) {
    election_elapsed_ = 0;
    if (options_.check_quorum) check_quorum_active(context);
    if (role_ != Role::leader) return;
  }
  tick_transfer(context);
  if (heartbeat_elapsed_ >= options_.heartbeat_ticks) {
    heartbeat_elapsed_ = 0;
    broadcast_heartbeat(context);
  }
}

void Raft::reset_role_state(NodeContext& context) {
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  randomize_election_timeout(context);
  votes_.clear();
  progress_.clear();
  transfer_target_ = kNoNode;
  transfer_elapsed_ = 0;
  lease_until_tick_ = 0;
  lease_until_ns_ = 0;
  round_sent_tick_.clear();
  round_sent_ns_.clear();
  fail_pending_reads(context);
}

void Raft::become_follower(NodeContext& context, Term term, NodeId leader) {
  const bool changed = role_ != Role::follower || term != hard_.term || leader != leader_;
  if (term != hard_.term) set_hard_state(context, term, kNoNode);
  reset_role_state(context);
  role_ = Role::follower;
  leader_ = leader;
  if (changed) {
    trace(context, "became follower at term " + std::to_string(term) +
                       (leader != kNoNode ? " of leader " + std::to_string(leader) : ""));
  }
}

void Raft::become_pre_candidate(NodeContext& context) {
  // A pre-candidate keeps its term and vote: it only asks (thesis §9.6).
  reset_role_state(context);
  role_ = Role::pre_candidate;
  leader_ = kNoNode;
  trace(context, "became pre-candidate at term " + std::to_string(hard_.term));
}

void Raft::become_candidate(NodeContext& context, bool transfer) {
  reset_role_state(context);
  set_hard_state(context, hard_.term + 1, self_);
  role_ = Role::candidate;
  leader_ = kNoNode;
  trace(context, "became candidate at term " + std::to_string(hard_.term) +
                     (transfer ? " (leader transfer)" : ""));
}

void Raft::become_leader(NodeContext& context) {
  SIMLAB_ASSERT(role_ == Role::candidate, "raft.leader-from-candidate",
                "only a candidate becomes leader");
  reset_role_state(context);
  role_ = Role::leader;
  leader_ = self_;
  for (NodeId id : config().voters) progress_[id];
  for (NodeId id : config().learners) progress_[id];
  for (auto& [id, progress] : progress_) {
    progress.next = log_.last_index() + 1;
    progress.match = id == self_ ? durable_index_ : 0;
    progress.recently_active = true;
  }
  trace(context, "became leader at term " + std::to_string(hard_.term));
  // A no-op from the new term lets the leader commit (and so learn the
  // commit index) without waiting for a client (§5.4.2, §8).
  append_local(context, EntryType::noop, {});
  term_start_index_ = log_.last_index();
  broadcast_append(context);
}

void Raft::randomize_election_timeout(NodeContext& context) {
  election_timeout_ = options_.election_ticks +
                      static_cast<std::int64_t>(context.random().below(
                          static_cast<std::uint64_t>(options_.election_ticks)));
  // BUGGIFY: a timeout at the bottom of the range or below it (a badly
  // tuned node): elections race and leaders churn.
  if (context.buggify("raft.short-election-timeout")) {
    election_timeout_ = 1 + static_cast<std::int64_t>(context.random().below(
                                static_cast<std::uint64_t>(options_.election_ticks)));
  }
}

void Raft::set_hard_state(NodeContext& context, Term term, NodeId vote) {
  SIMLAB_ASSERT(term >= hard_.term, "raft.term-monotonic", "the term went backwards");
  SIMLAB_ASSERT(term > hard_.term || hard_.vote == kNoNode || hard_.vote == vote,
                "raft.one-vote-per-term", "changed a vote within term " + std::to_string(term));
  hard_ = HardState{term, vote, hard_.repair_until, hard_.repair_term};
  hard_state_ticket_ = persist_hard_state(context);
}

// Leaves repair mode once the log again holds everything the node may have
// acknowledged before the corruption, and makes that durable.
void Raft::finish_repair(NodeContext& context, NodeId leader) {
  recovering_ = false;
  recovering_until_ = 0;
  hard_.repair_until = 0;
  hard_.repair_term = 0;
  hard_state_ticket_ = persist_hard_state(context);
  repair_cleared_ticket_ = hard_state_ticket_;
  trace(context, "repaired from leader " + std::to_string(leader) + ": voting again");
}

void Raft::send(NodeContext& context, NodeId to, Message message) {
  if (to == self_) return;
  context.send(to, encode_message(message));
}

// Holds a message until everything it depends on is on disk (etcd's Ready
// contract: persist BEFORE sending). The planted bug sends at once.
void Raft::send_when_durable(NodeContext& context, NodeId to, Message message,
                             std::uint64_t ticket) {
  if (bugs_.ack_before_fsync || ticket <= synced_ticket_) {
    send(context, to, std::move(message));
    return;
  }
  SIMLAB_ASSERT(held_.size() < kDurableOutboxMax, "raft.outbox-bound", "too many held messages");
  held_.push_back(HeldMessage{ticket, to, std::move(message)});
}

void Raft::trace(NodeContext& context, const std::string& line) const {
  if (!context.log_enabled()) return;
  context.log("raft " + std::to_string(self_) + ": " + line);
}

std::string Raft::status_text() const {
  std::string text = std::to_string(self_) + " " + role_name(role_) + " term=" +
                     std::to_string(hard_.term) + " vote=" + node_text(hard_.vote) +
                     " leader=" + node_text(leader_) +
                     " last=" + std::to_string(log_.last_index()) + "/t" +
                     std::to_string(log_.last_term()) + " commit=" + std::to_string(commit_) +
                     " applied=" + std::to_string(applied_) + " " + config_text(config());
  if (log_.snapshot_index() > 0) text += " snapshot=" + std::to_string(log_.snapshot_index());
  if (recovering_) text += " recovering-until=" + std::to_string(recovering_until_);
  if (!loaded_) text += " loading";
  return text;
}

}  // namespace simlab::raft

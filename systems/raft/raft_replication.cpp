// Log replication (§5.3), commitment (§5.4.2), snapshots on the wire (§7).
#include <algorithm>

#include "systems/common/violation.h"
#include "systems/raft/limits.h"
#include "systems/raft/raft.h"

namespace simlab::raft {

std::optional<Index> Raft::propose(NodeContext& context, Bytes command) {
  if (role_ != Role::leader || transfer_target_ != kNoNode) return std::nullopt;
  if (command.size() > kCommandBytesMax) return std::nullopt;
  if (log_.last_index() - commit_ >= kUncommittedEntriesMax) return std::nullopt;
  append_local(context, EntryType::command, std::move(command));
  broadcast_append(context);
  return log_.last_index();
}

void Raft::append_local(NodeContext& context, EntryType type, Bytes data) {
  Entry entry{log_.last_index() + 1, hard_.term, type, std::move(data)};
  if (type == EntryType::config) on_config_appended(entry);
  log_.append(std::move(entry));
  persist_entries(context, log_.last_index());
}

void Raft::broadcast_append(NodeContext& context) {
  for (auto& [id, progress] : progress_) {
    if (id != self_) send_append(context, id, false);
  }
}

// Pipelining: in replicate state up to inflight_appends messages are in the
// air, each carrying up to entries_per_message entries; in probe state one.
void Raft::send_append(NodeContext& context, NodeId to, bool allow_empty) {
  Progress& progress = progress_[to];
  if (progress.state == Progress::State::snapshot) return;
  if (progress.state == Progress::State::probe && progress.probe_sent) return;
  if (progress.inflight.size() >= options_.inflight_appends) return;
  if (progress.next <= log_.snapshot_index()) {
    send_snapshot(context, to);
    return;
  }
  if (progress.next > log_.last_index() && !allow_empty &&
      progress.state == Progress::State::replicate) {
    return;
  }
  Message message;
  message.type = MessageType::append;
  message.term = hard_.term;
  message.log_index = progress.next - 1;
  message.log_term = *log_.term_at(progress.next - 1);
  message.commit = commit_;
  if (progress.next <= log_.last_index()) {
    // BUGGIFY: the smallest batch, one entry, whatever the option says.
    const bool smallest = context.buggify("raft.one-entry-batch");
    message.entries = log_.slice(progress.next, smallest ? 1 : options_.entries_per_message);
  }
  if (progress.state == Progress::State::replicate && !message.entries.empty()) {
    progress.next = message.entries.back().index + 1;
    progress.inflight.push_back(message.entries.back().index);
  } else {
    progress.probe_sent = true;
  }
  // BUGGIFY: the batch is lost on the way out (a full socket buffer); the
  // progress says it was sent, so only a probe or a heartbeat repairs it.
  if (context.buggify("raft.drop-append")) {
    trace(context, "buggify: dropped an append to " + std::to_string(to));
    return;
  }
  send(context, to, std::move(message));
}

void Raft::send_snapshot(NodeContext& context, NodeId to) {
  Progress& progress = progress_[to];
  Message message;
  message.type = MessageType::snapshot;
  message.term = hard_.term;
  message.snapshot = snapshot_.meta;
  message.snapshot_data = snapshot_.data;
  progress.state = Progress::State::snapshot;
  progress.snapshot_sent_tick = ticks_;
  progress.inflight.clear();
  trace(context, "sending snapshot at " + std::to_string(snapshot_.meta.index) + " to " +
                     std::to_string(to));
  send(context, to, std::move(message));
}

void Raft::broadcast_heartbeat(NodeContext& context) {
  ++read_round_;
  round_sent_tick_[read_round_] = ticks_;
  round_sent_ns_[read_round_] = lease_clock_ns(context);
  for (auto& [id, progress] : progress_) {
    if (id == self_) continue;
    Message message;
    message.type = MessageType::heartbeat;
    message.term = hard_.term;
    // Never tell a follower to commit past what it is known to hold (etcd).
    message.commit = std::min(commit_, progress.match);
    message.read_round = read_round_;
    send(context, id, std::move(message));
  }
  handle_read_round_acked(context);  // a one-voter cluster confirms at once
}

void Raft::handle_heartbeat(NodeContext& context, NodeId from, const Message& message) {
  if (role_ != Role::follower) become_follower(context, hard_.term, from);
  leader_ = from;
  election_elapsed_ = 0;
  if (message.commit > commit_ && message.commit <= log_.last_index()) {
    advance_commit(context, message.commit);
  }
  Message answer;
  answer.type = MessageType::heartbeat_response;
  answer.term = hard_.term;
  answer.read_round = message.read_round;
  // A node repairing a corrupt log tells the leader where its log really
  // ends: the leader's match for it may predate the damage.
  answer.reject = recovering_;
  answer.hint = log_.last_index();
  send_when_durable(context, from, answer, hard_state_ticket_);
}

void Raft::handle_append(NodeContext& context, NodeId from, const Message& message) {
  if (role_ != Role::follower) become_follower(context, hard_.term, from);
  leader_ = from;
  election_elapsed_ = 0;
  Message answer;
  answer.type = MessageType::append_response;
  answer.term = hard_.term;
  if (message.log_index < commit_) {
    // Already committed here; but "committed here" may still be in memory
    // only (a snapshot or entries whose write is queued): the answer waits
    // for every write issued so far.
    answer.hint = commit_;
    send_when_durable(context, from, answer, next_ticket_);
    return;
  }
  const std::optional<Term> prev_term = log_.term_at(message.log_index);
  if (!prev_term || *prev_term != message.log_term) {
    answer.reject = true;
    answer.log_index = message.log_index;
    answer.hint = conflict_hint(message.log_index, message.log_term);
    send_when_durable(context, from, answer, hard_state_ticket_);
    return;
  }
  append_from_leader(context, message.entries);
  const Index last_new = message.log_index + message.entries.size();
  // Commit only what this message proved we share with the leader (§5.3:
  // min(leaderCommit, index of last new entry)), never our whole log. The
  // planted bug commits over its own log, the pitfall that pairs with not
  // truncating (the Students' Guide to Raft warns of both): a kept stale
  // suffix then reaches the state machine.
  const Index commit =
      std::min(message.commit, bugs_.no_truncate_on_conflict ? log_.last_index() : last_new);
  if (commit > commit_) advance_commit(context, commit);
  if (recovering_ && last_new >= recovering_until_ && commit_ >= recovering_until_) {
    finish_repair(context, from);
  }
  answer.hint = last_new;
  send_when_durable(context, from, answer, next_ticket_);
}

// Where the leader should probe next: our last index if we are short, else
// the last index whose term is at most the rejected term (terms only grow
// along a log, so everything above it conflicts; etcd's findConflictByTerm).
Index Raft::conflict_hint(Index rejected_index, Term rejected_term) const {
  Index hint = std::min(rejected_index - 1, log_.last_index());
  while (hint > log_.snapshot_index()) {
    const std::optional<Term> term = log_.term_at(hint);
    if (term && *term <= rejected_term) break;
    --hint;
  }
  return hint;
}

void Raft::append_from_leader(NodeContext& context, const std::vector<Entry>& entries) {
  std::optional<Index> first_written;
  for (const Entry& entry : entries) {
    if (entry.index <= log_.snapshot_index()) continue;
    const std::optional<Term> existing = log_.term_at(entry.index);
    if (existing && *existing == entry.term) continue;
    if (existing) {
      SIMLAB_ASSERT(entry.index > commit_, "raft.truncate-committed",
                    "node " + std::to_string(self_) + " asked to overwrite committed entry " +
                        std::to_string(entry.index));
      if (bugs_.no_truncate_on_conflict) {
        if (entry.type == EntryType::config) on_config_appended(entry);
        log_.overwrite_in_place(entry);
        if (!first_written) first_written = entry.index;
        continue;
      }
      log_.truncate_after(entry.index - 1);
      truncate_configs_after(entry.index - 1);
      durable_index_ = std::min(durable_index_, entry.index - 1);
      for (auto& [ticket, last] : unsynced_) last = std::min(last, entry.index - 1);
    }
    if (entry.type == EntryType::config) on_config_appended(entry);
    log_.append(entry);
    if (!first_written) first_written = entry.index;
  }
  if (first_written) persist_entries(context, *first_written);
}

void Raft::handle_append_response(NodeContext& context, NodeId from, const Message& message) {
  if (role_ != Role::leader) return;
  auto found = progress_.find(from);
  if (found == progress_.end()) return;
  Progress& progress = found->second;
  progress.recently_active = true;
  if (message.reject) {
    // Ignore stale rejections: only the probe we are waiting on counts.
    if (message.log_index == 0 || message.log_index < progress.match) return;
    if (message.hint < progress.match) {
      // It rejects a probe above what it acknowledged and ends below it:
      // its disk lost acknowledged entries. Say so, and resend from there
      // rather than probe the same index forever.
      trace(context, "follower " + std::to_string(from) + " lost acknowledged entries after " +
                         std::to_string(message.hint));
      progress.match = message.hint;
    }
    if (progress.state == Progress::State::replicate || message.log_index == progress.next - 1) {
      progress.next = std::max(progress.match + 1, std::min(message.log_index, message.hint + 1));
      progress.state = Progress::State::probe;
      progress.probe_sent = false;
      progress.inflight.clear();
      send_append(context, from, true);
    }
    return;
  }
  const bool advanced = message.hint > progress.match;
  progress.match = std::max(progress.match, message.hint);
  progress.next = std::max(progress.next, progress.match + 1);
  while (!progress.inflight.empty() && progress.inflight.front() <= progress.match) {
    progress.inflight.pop_front();
  }
  if (progress.state != Progress::State::replicate) {
    if (progress.state == Progress::State::snapshot && progress.match < snapshot_.meta.index) {
      return;  // a stale answer: the snapshot is still on its way
    }
    progress.state = Progress::State::replicate;
    progress.probe_sent = false;
    progress.inflight.clear();
    progress.next = progress.match + 1;
  }
  if (advanced) maybe_commit(context);
  if (role_ != Role::leader) return;
  if (from == transfer_target_ && progress.match == log_.last_index()) {
    Message now;
    now.type = MessageType::timeout_now;
    now.term = hard_.term;
    send(context, from, now);
  }
  maybe_promote_learners(context);
  while (progress_.count(from) && progress_[from].next <= log_.last_index() &&
         progress_[from].inflight.size() < options_.inflight_appends &&
         progress_[from].state == Progress::State::replicate) {
    send_append(context, from, false);
  }
}

void Raft::handle_heartbeat_response(NodeContext& context, NodeId from, const Message& message) {
  if (role_ != Role::leader) return;
  auto found = progress_.find(from);
  if (found == progress_.end()) return;
  Progress& progress = found->second;
  progress.recently_active = true;
  progress.read_round_acked = std::max(progress.read_round_acked, message.read_round);
  if (message.reject && message.hint < progress.match) {
    trace(context, "follower " + std::to_string(from) + " lost entries after " +
                       std::to_string(message.hint) + ": resending");
    progress.match = message.hint;
    progress.next = message.hint + 1;
    progress.state = Progress::State::probe;
    progress.probe_sent = false;
    progress.inflight.clear();
  }
  if (progress.state == Progress::State::snapshot &&
      ticks_ - progress.snapshot_sent_tick >= options_.election_ticks) {
    progress.state = Progress::State::probe;  // the snapshot was lost: try again
    progress.probe_sent = false;
  } else if (progress.state == Progress::State::probe) {
    progress.probe_sent = false;  // a lost probe must not stall the follower
  } else if (progress.state == Progress::State::replicate &&
             progress.inflight.size() >= options_.inflight_appends) {
    // A full pipeline that a live follower has not acknowledged within a
    // heartbeat lost messages: probe again from what it has acknowledged
    // (etcd frees an inflight slot on a heartbeat response for the same reason).
    progress.state = Progress::State::probe;
    progress.probe_sent = false;
    progress.inflight.clear();
    progress.next = progress.match + 1;
  }
  if (progress.match < log_.last_index()) send_append(context, from, true);
  handle_read_round_acked(context);
}

void Raft::handle_snapshot(NodeContext& context, NodeId from, const Message& message) {
  if (role_ != Role::follower) become_follower(context, hard_.term, from);
  leader_ = from;
  election_elapsed_ = 0;
  const SnapshotMeta& meta = message.snapshot;
  Message answer;
  answer.type = MessageType::append_response;
  answer.term = hard_.term;
  if (meta.index <= commit_) {
    answer.hint = commit_;  // as in handle_append: only once it is on disk
    send_when_durable(context, from, answer, next_ticket_);
    return;
  }
  if (!application_.restore(message.snapshot_data)) {
    trace(context, "rejected a snapshot that does not decode");
    return;
  }
  trace(context, "installed snapshot at " + std::to_string(meta.index) + " from " +
                     std::to_string(from));
  const std::optional<Term> existing = log_.term_at(meta.index);
  if (existing && *existing == meta.term) {
    // Keep the suffix that follows (§7). What of it was durable stays
    // durable: the old WAL segment is truncated only after the new one and
    // the snapshot are synced (persist_snapshot's queue order).
    log_.compact_to(meta.index);
  } else {
    log_.reset(meta.index, meta.term, meta.chain);
    durable_index_ = std::min(durable_index_, meta.index);
  }
  configs_.erase(std::remove_if(configs_.begin(), configs_.end(),
                                [&](const auto& item) { return item.first <= meta.index; }),
                 configs_.end());
  configs_.insert(configs_.begin(), {meta.index, meta.config});
  snapshot_ = Snapshot{meta, message.snapshot_data};
  commit_ = meta.index;
  applied_ = meta.index;
  const std::uint64_t ticket = persist_snapshot(context);
  if (recovering_ && meta.index >= recovering_until_) finish_repair(context, from);
  answer.hint = meta.index;
  send_when_durable(context, from, answer, ticket);
}

// §5.4.2: a leader counts replicas only for entries of its own term; older
// entries commit indirectly. The planted bug counts any entry (Figure 8).
void Raft::maybe_commit(NodeContext& context) {
  std::vector<Index> matches;
  for (NodeId id : config().voters) {
    auto found = progress_.find(id);
    if (id == self_) {
      matches.push_back(durable_index_);
    } else if (found != progress_.end()) {
      matches.push_back(found->second.match);
    } else {
      matches.push_back(0);
    }
  }
  if (matches.empty()) return;
  std::sort(matches.begin(), matches.end(), std::greater<>());
  const Index candidate = matches[config().quorum() - 1];
  if (candidate <= commit_) return;
  if (!bugs_.commit_old_term && log_.term_at(candidate) != hard_.term) return;
  advance_commit(context, candidate);
}

void Raft::advance_commit(NodeContext& context, Index commit) {
  SIMLAB_ASSERT(commit >= commit_, "raft.commit-monotonic", "the commit index went backwards");
  SIMLAB_ASSERT(commit <= log_.last_index(), "raft.commit-within-log",
                "commit " + std::to_string(commit) + " beyond last " +
                    std::to_string(log_.last_index()));
  commit_ = commit;
  apply_committed(context);
}

void Raft::apply_committed(NodeContext& context) {
  while (applied_ < commit_) {
    const Entry& entry = log_.at(applied_ + 1);
    ++applied_;
    if (entry.type == EntryType::command) application_.apply(context, entry);
  }
  if (role_ == Role::leader) {
    step_down_if_removed(context);
    if (role_ == Role::leader) finish_ready_reads(context);
  } else {
    finish_ready_reads(context);
  }
  maybe_snapshot(context);
}

}  // namespace simlab::raft

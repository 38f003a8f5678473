// Linearizable reads without log writes: ReadIndex and leases (thesis §6.4).
#include <algorithm>

#include "systems/common/violation.h"
#include "systems/raft/limits.h"
#include "systems/raft/raft.h"

namespace simlab::raft {

// ReadIndex: remember the commit index, confirm with a quorum round that we
// were still leader when the read arrived, then serve once applied that far.
// A new leader first commits its no-op so its commit index is current.
bool Raft::read(NodeContext& context, std::uint64_t read_id) {
  if (role_ != Role::leader || reads_.size() >= kPendingReadsMax) return false;
  if (bugs_.read_without_quorum) {
    // PLANTED BUG: local state, no round. A deposed leader that has not
    // noticed yet answers from a past it believes is the present.
    ++local_reads_;
    application_.read_done(context, read_id, true);
    return true;
  }
  PendingRead pending{read_id, commit_, read_round_ + 1, false};
  if (commit_ >= term_start_index_ && lease_valid(context)) {
    pending.confirmed = true;  // no round: the lease vouches that we still lead
    ++local_reads_;
  }
  reads_.push_back(pending);
  // Batching: while a round is unanswered, new reads wait for the next one,
  // sent when it is answered or at the next heartbeat.
  // BUGGIFY: a round for this read alone, though one is in flight (rounds
  // then overlap and acknowledge out of order).
  const bool extra_round = context.buggify("raft.repeat-read-round");
  if (!pending.confirmed && (round_sent_tick_.empty() || extra_round)) broadcast_heartbeat(context);
  finish_ready_reads(context);
  return true;
}

// Thesis §6.4.1: after a quorum acknowledged a round sent at tick t, no
// other leader can be elected before t + election timeout on the followers'
// clocks; lease_ticks() shrinks that by the drift bound. Ticks alone would
// miss a process pause (one overdue timer fires once), so the monotonic
// clock must agree too: it keeps running through a pause and ignores clock
// jumps, so only its rate, bounded by clock_drift_max, matters.
// The planted bug times the lease with the wall clock alone, no margin: a
// backward jump stretches it.
bool Raft::lease_valid(NodeContext& context) const {
  if (!options_.lease_reads || transfer_target_ != kNoNode) return false;
  if (bugs_.lease_ignores_drift) return lease_clock_ns(context) < lease_until_ns_;
  const std::int64_t lease_ns = options_.lease_ticks() * options_.tick_ns;
  return ticks_ < lease_until_tick_ && lease_clock_ns(context) < lease_round_ns_ + lease_ns;
}

std::int64_t Raft::lease_clock_ns(NodeContext& context) const {
  return bugs_.lease_ignores_drift ? context.now_ns() : context.monotonic_ns();
}

void Raft::handle_read_round_acked(NodeContext& context) {
  if (role_ != Role::leader) return;
  // The highest round a quorum of voters has acknowledged.
  std::vector<std::uint64_t> acked;
  for (NodeId id : config().voters) {
    if (id == self_) {
      acked.push_back(read_round_);
      continue;
    }
    auto found = progress_.find(id);
    acked.push_back(found == progress_.end() ? 0 : found->second.read_round_acked);
  }
  if (acked.empty()) return;
  std::sort(acked.begin(), acked.end(), std::greater<>());
  const std::uint64_t confirmed = acked[config().quorum() - 1];
  for (PendingRead& pending : reads_) {
    if (pending.round <= confirmed) pending.confirmed = true;
  }
  auto sent = round_sent_tick_.find(confirmed);
  if (sent != round_sent_tick_.end() && transfer_target_ == kNoNode &&
      sent->second + options_.lease_ticks() >= lease_until_tick_) {
    lease_until_tick_ = sent->second + options_.lease_ticks();
    lease_round_ns_ = round_sent_ns_[confirmed];
    lease_until_ns_ = lease_round_ns_ + options_.election_ticks * options_.tick_ns;
  }
  round_sent_tick_.erase(round_sent_tick_.begin(), round_sent_tick_.upper_bound(confirmed));
  round_sent_ns_.erase(round_sent_ns_.begin(), round_sent_ns_.upper_bound(confirmed));
  const bool waiting = !reads_.empty() && reads_.back().round > read_round_;
  if (waiting && round_sent_tick_.empty()) broadcast_heartbeat(context);
  finish_ready_reads(context);
}

void Raft::finish_ready_reads(NodeContext& context) {
  if (role_ != Role::leader) return;
  while (!reads_.empty()) {
    PendingRead& front = reads_.front();
    if (!front.confirmed || commit_ < term_start_index_) return;
    // A read that arrived before the no-op committed waits for it: its read
    // index is the commit index once the leader knows it is current.
    front.index = std::max(front.index, term_start_index_);
    if (applied_ < front.index) return;
    const std::uint64_t id = front.id;
    reads_.pop_front();
    application_.read_done(context, id, true);
  }
}

void Raft::fail_pending_reads(NodeContext& context) {
  while (!reads_.empty()) {
    const std::uint64_t id = reads_.front().id;
    reads_.pop_front();
    application_.read_done(context, id, false);
  }
}

}  // namespace simlab::raft

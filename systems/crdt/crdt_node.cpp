#include "systems/crdt/crdt_node.h"

#include <algorithm>
#include <stdexcept>

namespace simlab::crdt {

CrdtNode::CrdtNode(const NodeConfig& config)
    : config_(config),
      delta_lost_bug_(config.bugs.contains(kDeltaLostBug)),
      wall_clock_bug_(config.bugs.contains(kLwwWallClockBug)),
      actor_reuse_bug_(config.bugs.contains(kActorReuseBug)),
      merge_rules_{config.bugs.contains(kOrswotDescendsBug),
                   config.bugs.contains(kRemoveKeepsCommonDotsBug)} {
  if (config.bugs.contains(kSyncFalseInSyncBug)) digest_rule_ = DigestRule::heads_only;
  CrdtOptions options;
  if (const std::string error = parse_crdt_options(config.options_json, options); !error.empty())
    throw std::invalid_argument(error);
  roles_ = crdt_roles(options, static_cast<std::uint32_t>(config.initial_members.size()));
  offline_ = roles_.is_offline(config.id);
  home_ = roles_.home_of(config.id);
}

void CrdtNode::on_client(NodeContext& context, RequestId request, ByteView payload) {
  const auto decoded = decode_request(payload);
  if (!decoded) return;  // garbage: a real server drops the connection
  const bool ready = phase_ == Phase::serving ||
                     (phase_ == Phase::rebuilding && write_allowed_while_rebuilding(decoded->op));
  if (!ready) {
    context.reply(request, encode_reply(ClientReply{ClientStatus::not_ready, 0, {}, false}));
    return;
  }
  ClientReply reply;
  switch (decoded->op) {
    case ClientOp::counter_read: {
      const auto found = state_.counters.find(decoded->key);
      reply.value = found == state_.counters.end() ? 0 : found->second.value();
      context.reply(request, encode_reply(reply));
      return;
    }
    case ClientOp::register_read: {
      const auto found = state_.registers.find(decoded->key);
      if (found != state_.registers.end() && found->second.written()) {
        reply.value = found->second.value();
        reply.written = true;
      }
      context.reply(request, encode_reply(reply));
      return;
    }
    case ClientOp::set_read: {
      const auto found = state_.sets.find(decoded->key);
      if (found != state_.sets.end()) reply.elements = found->second.elements();
      context.reply(request, encode_reply(reply));
      return;
    }
    case ClientOp::mv_read: {
      const auto found = state_.mv_registers.find(decoded->key);
      if (found != state_.mv_registers.end()) reply.elements = found->second.values();
      context.reply(request, encode_reply(reply));
      return;
    }
    default:
      handle_write(context, request, *decoded);
  }
}

// Blind writes only: what they write depends on nothing the replica has
// seen, so the state a rebuild has not yet joined cannot make them wrong.
bool CrdtNode::write_allowed_while_rebuilding(ClientOp op) const {
  return op == ClientOp::counter_add || op == ClientOp::set_add;
}

// The delta is made now, from what this actor has issued (so two writes in
// one batch get distinct dots and counts), and waits for the WAL.
void CrdtNode::handle_write(NodeContext& context, RequestId request, const ClientRequest& decoded) {
  Waiting waiting;
  waiting.request = request;
  const std::string& key = decoded.key;
  if (decoded.op == ClientOp::register_write) {
    waiting.delta.registers[key] =
        LwwRegister(Stamp{next_stamp_ns(context), actor_}, decoded.value);
  } else if (decoded.op == ClientOp::mv_write) {
    // It replaces the siblings its client could have read here: the
    // confirmed state's (a write still waiting is concurrent with it).
    static const MvRegister kUnwritten;
    const auto found = state_.mv_registers.find(key);
    const MvRegister& current = found == state_.mv_registers.end() ? kUnwritten : found->second;
    waiting.delta.mv_registers[key] =
        current.write_delta(decoded.value, Dot{actor_, ++issued_mv_dots_[key]});
  } else if (decoded.op == ClientOp::counter_add) {
    PnCounter::Entry& issued = issued_counters_[key];
    const PnCounter delta = PnCounter::add_delta(actor_, issued, decoded.value);
    issued = delta.entry(actor_);
    waiting.delta.counters[key] = delta;
  } else {
    // Looked up, not made: an empty set in the state before its write is
    // durable would be a key a crash takes away again.
    static const AddWinsSet kEmptySet;
    const auto found = state_.sets.find(key);
    const AddWinsSet& current = found == state_.sets.end() ? kEmptySet : found->second;
    if (decoded.op == ClientOp::set_remove && !current.contains(decoded.value)) {
      context.reply(request, encode_reply(ClientReply{ClientStatus::not_found, 0, {}, false}));
      return;
    }
    waiting.delta.sets[key] =
        decoded.op == ClientOp::set_add
            ? current.add_delta(decoded.value, Dot{actor_, ++issued_dots_[key]})
            : current.remove_delta(decoded.value);
  }
  batch_.push_back(std::move(waiting));
  flush_batch(context);
}

// A hybrid logical clock: the node's clock, but never at or below a stamp
// this replica has issued or applied, so a write wins over every write its
// client could have read here. With crdt.lww-wall-clock, the clock alone.
std::int64_t CrdtNode::next_stamp_ns(NodeContext& context) {
  const std::int64_t wall_ns = context.now_ns();
  const std::int64_t stamp_ns = wall_clock_bug_ ? wall_ns : std::max(wall_ns, hlc_ns_ + 1);
  hlc_ns_ = std::max(hlc_ns_, stamp_ns);
  return stamp_ns;
}

void CrdtNode::on_message(NodeContext& context, NodeId from, ByteView payload) {
  auto message = decode_peer(payload);
  // Damaged, or not ready: the sender resends.
  if (!message || (phase_ != Phase::serving && phase_ != Phase::rebuilding)) return;
  if (message->kind == PeerKind::ack) {
    if (message->incarnation != incarnation_) return;  // counts another boot's sequence numbers
    on_ack(from, *message);
    confirm(context, message->sequence);
    send_to_peer(context, from, peers_[from], Send::eager);  // what it lacks: it is idle now
    return;
  }
  if (message->kind == PeerKind::resync) {  // it has nothing of ours: the whole state, now
    peers_[from] = PeerProgress{};
    send_to_peer(context, from, peers_[from], Send::eager);
    return;
  }
  const bool for_server = message->kind == PeerKind::sync && !offline_;
  const bool for_offline = message->kind == PeerKind::sync_reply && offline_ && from == home_ &&
                           message->sequence == sync_round_;
  if (for_server || for_offline) {
    if (for_offline) {  // the server holds what was sent
      sync_answered_ = true;
      sent_outbox_ = ReplicaState{};
    }
    Waiting waiting;
    waiting.delta = std::move(message->state);
    waiting.peer = from;
    waiting.peer_sequence = message->sequence;
    waiting.peer_kind = message->kind;
    waiting.digests = std::move(message->digests);
    batch_.push_back(std::move(waiting));
    flush_batch(context);
    return;
  }
  if (message->kind != PeerKind::delta || offline_) return;  // a stale reply, or not for it
  on_delta(context, from, std::move(*message));
}

void CrdtNode::on_ack(NodeId from, const PeerMessage& message) {
  PeerProgress& progress = peers_[from];
  progress.acked = std::max(progress.acked.value_or(0), message.sequence);
  progress.answered = true;
  trim_buffer();
}

// An interval already durable here is acknowledged at once; anything else is
// made durable first (the sender resends until then). A whole state is
// always joined: it holds more than the sender's own deltas (a rebuilt
// replica's holds what only its lost disk had shipped).
void CrdtNode::on_delta(NodeContext& context, NodeId from, PeerMessage message) {
  const auto received = received_.find(from);
  if (!message.full_state && received != received_.end() &&
      received->second.first == message.incarnation &&
      message.sequence <= received->second.second) {
    context.send(
        from, encode_peer(control_message(PeerKind::ack, message.incarnation, message.sequence)));
    return;
  }
  Waiting waiting;
  waiting.delta = std::move(message.state);
  waiting.peer = from;
  waiting.peer_incarnation = message.incarnation;
  waiting.peer_sequence = message.sequence;
  waiting.full_state = message.full_state;
  batch_.push_back(std::move(waiting));
  flush_batch(context);
}

// A durable batch. A peer's delta is on two disks now (its writer's and
// this one): joined into the state at once. This replica's own writes are
// on one: buffered for the peers as one delta, and held apart, unseen by
// reads, until a peer acknowledges holding them (confirm). With
// crdt.delta-lost, a client write that lands in a batch behind another
// write to the same key is folded into that write's slot after the slot was
// taken for shipping: it is held and applied here and never sent (the Akka
// distributed-data bug, where a delta merged into a placeholder was dropped).
void CrdtNode::apply(NodeContext& context, const std::vector<Waiting>& batch) {
  ReplicaState shipped;
  Unconfirmed own;
  std::set<std::string> written_keys;
  bool changed = false;
  for (const Waiting& waiting : batch) {
    if (waiting.peer_kind != PeerKind::delta) {  // the sync protocol's: audited
      merge_synced(context, waiting);
      // An offline replica's changes reach the other servers through this
      // one, which alone has them.
      if (waiting.peer_kind == PeerKind::sync) shipped.join(waiting.delta);
      changed = true;
      continue;
    }
    if (!waiting.request) {  // a peer's: its writer ships it to the others
      join_applied(waiting.delta, merge_rules_);
      hlc_ns_ = std::max(hlc_ns_, waiting.delta.latest_stamp_ns());
      changed = true;
      continue;
    }
    own.delta.join(waiting.delta);
    own.requests.push_back(*waiting.request);
    bool ship = true;
    if (delta_lost_bug_) {
      for (const auto& [key, counter] : waiting.delta.counters)
        ship = written_keys.insert("c" + key).second && ship;
      for (const auto& [key, set] : waiting.delta.sets)
        ship = written_keys.insert("s" + key).second && ship;
      for (const auto& [key, value] : waiting.delta.mv_registers)
        ship = written_keys.insert("m" + key).second && ship;
    }
    if (ship) shipped.join(waiting.delta);
  }
  if (changed) ++state_version_;
  if (own.requests.empty() && shipped.empty()) return;
  const bool ship_now = !offline_ && !shipped.empty();
  if (offline_) {  // its own disk is the promise; the next sync sends the writes
    outbox_.join(shipped);
  } else if (ship_now) {
    deltas_.emplace_back(next_sequence_, std::move(shipped));
    trim_buffer();
  }
  const std::uint64_t sequence = next_sequence_++;
  if (!own.requests.empty()) {
    own.sequence = sequence;
    unconfirmed_.push_back(std::move(own));
    if (alone()) confirm(context, sequence);  // nobody to wait for
  }
  // Every idle peer gets it now, not at the next tick. Only now: a peer
  // sent the whole state acknowledges `sequence` by it, so the whole state
  // must already hold the writes waiting under it.
  if (ship_now) gossip(context, Send::eager);
}

// A peer holds everything up to `sequence` durably: what this replica wrote
// up to it is on two disks, so reads may see it and its clients hear ok.
void CrdtNode::confirm(NodeContext& context, std::uint64_t sequence) {
  bool changed = false;
  while (!unconfirmed_.empty() && unconfirmed_.front().sequence <= sequence) {
    Unconfirmed& front = unconfirmed_.front();
    join_applied(front.delta, front.rules);
    for (const RequestId request : front.requests)
      context.reply(request, encode_reply(ClientReply{}));
    if (front.recovered) recovery_unconfirmed_ = false;
    unconfirmed_.pop_front();
    changed = true;
  }
  if (!changed) return;
  ++state_version_;
  maybe_finish_rebuild(context);
}

// Everything durable here: the confirmed state and what waits for
// confirmation (a copy only when something waits). A peer is sent it, and
// a compaction writes it (the state alone would drop from the disk writes
// still waiting).
ReplicaState CrdtNode::whole_state() const {
  ReplicaState whole = state_;
  for (const Unconfirmed& waiting : unconfirmed_) whole.join(waiting.delta, waiting.rules);
  return whole;
}

Bytes CrdtNode::encode_whole_state(std::uint64_t last) const {
  if (unconfirmed_.empty()) return encode_delta(incarnation_, last, true, state_);
  return encode_delta(incarnation_, last, true, whole_state());
}

std::uint64_t CrdtNode::issued_dot(const std::string& key) const {
  const auto found = issued_dots_.find(key);
  return found == issued_dots_.end() ? 0 : found->second;
}

std::uint64_t CrdtNode::issued_mv_dot(const std::string& key) const {
  const auto found = issued_mv_dots_.find(key);
  return found == issued_mv_dots_.end() ? 0 : found->second;
}

PnCounter::Entry CrdtNode::issued_counter(const std::string& key) const {
  const auto found = issued_counters_.find(key);
  return found == issued_counters_.end() ? PnCounter::Entry{} : found->second;
}

// Every join is followed by a bump of state_version_: its changes show
// under the next version.
void CrdtNode::join_applied(const ReplicaState& delta, SetJoinRules rules) {
  state_.join(delta, rules);
  derived_.join(delta, rules);
  for (const auto& [key, counter] : delta.counters) counters_changed_at_[key] = state_version_ + 1;
  for (const auto& [key, set] : delta.sets) sets_changed_at_[key] = state_version_ + 1;
  for (const auto& [key, value] : delta.mv_registers) mv_changed_at_[key] = state_version_ + 1;
  if (!offline_ && roles_.offline.empty()) return;  // nobody syncs with it
  const std::set<std::string> keys = typed_keys(delta);
  stale_digests_.insert(keys.begin(), keys.end());
}

const KeyDigests& CrdtNode::digests() {
  refresh_digests(state_, digest_rule_, stale_digests_, digests_);
  return digests_;
}

std::optional<Violation> CrdtNode::check_invariants() const {
  if (phase_ != Phase::serving || state_version_ % kStateCheckPeriod != 0 || state_ == derived_)
    return std::nullopt;
  return Violation{"crdt.state-is-join-of-deltas",
                   "the state differs from the join of the deltas and frames it applied: "
                   "something changed it outside a join",
                   config_.id};
}

void CrdtNode::on_timer(NodeContext& context, TimerId timer) {
  if (timer != kGossipTimer) return;
  if (phase_ == Phase::serving || phase_ == Phase::rebuilding) {
    if (phase_ == Phase::rebuilding) ask_for_states(context);
    if (offline_) {
      sync_with_home(context);
    } else {
      gossip(context, Send::tick);
    }
    maybe_compact(context);
  }
  context.set_timer(kGossipTimer, kGossipInterval_ns);
}

void CrdtNode::gossip(NodeContext& context, Send send) {
  for (const NodeId peer : roles_.servers) {
    if (peer != config_.id) send_to_peer(context, peer, peers_[peer], send);
  }
}

void CrdtNode::send_to_peer(NodeContext& context, NodeId peer, PeerProgress& progress, Send send) {
  const std::uint64_t last = next_sequence_ - 1;
  const std::uint64_t first_buffered = deltas_.empty() ? next_sequence_ : deltas_.front().first;
  // BUGGIFY: the whole state now and then, as after a long partition (on
  // the tick only: drawn at every eager send, it would be every time).
  const bool behind = !progress.acked || *progress.acked + 1 < first_buffered ||
                      *progress.acked < whole_state_floor_ ||
                      (send == Send::tick && context.buggify("crdt.full-state-instead"));
  if (behind) {
    const std::int64_t now_ns = context.monotonic_ns();
    if (progress.full_state_sent_ns >= 0 &&
        now_ns - progress.full_state_sent_ns < kFullStateInterval_ns)
      return;
    progress.full_state_sent_ns = now_ns;
    context.send(peer, encode_whole_state(last));
    return;
  }
  if (*progress.acked >= last) return;
  const std::int64_t now_ns = context.monotonic_ns();
  if (!progress.answered && now_ns - progress.sent_ns < kUnansweredResendInterval_ns) return;
  progress.sent_ns = now_ns;
  progress.answered = false;
  context.send(peer, encode_delta(incarnation_, last, false, interval_after(*progress.acked)));
}

// The join of the buffered deltas after `acked`, kept per ack point and
// grown as deltas are appended: a peer that stays behind (cut off, slow)
// is sent the same interval, longer, every time, and joining the whole
// buffer afresh at each send cost a run more than anything else. Join is
// associative, so the grown interval equals the one joined afresh.
const ReplicaState& CrdtNode::interval_after(std::uint64_t acked) {
  std::erase_if(intervals_, [&](const Interval& interval) {
    if (interval.after == acked) return false;
    return std::none_of(peers_.begin(), peers_.end(),
                        [&](const auto& peer) { return peer.second.acked == interval.after; });
  });
  auto interval = std::find_if(intervals_.begin(), intervals_.end(),
                               [&](const Interval& kept) { return kept.after == acked; });
  if (interval == intervals_.end())
    interval = intervals_.insert(intervals_.end(), {acked, acked, {}});
  auto next = std::upper_bound(
      deltas_.begin(), deltas_.end(), interval->upto,
      [](std::uint64_t sequence, const auto& delta) { return sequence < delta.first; });
  for (; next != deltas_.end(); ++next) interval->state.join(next->second);
  interval->upto = next_sequence_ - 1;
  return interval->state;
}

// Deltas every peer holds are dropped; past kDeltaBufferMax the oldest go
// too, and a peer that still lacks them gets the whole state.
void CrdtNode::trim_buffer() {
  std::uint64_t held_by_all = next_sequence_ - 1;
  for (const NodeId peer : roles_.servers) {
    if (peer == config_.id) continue;
    const auto found = peers_.find(peer);
    held_by_all = found == peers_.end() || !found->second.acked
                      ? 0
                      : std::min(held_by_all, *found->second.acked);
  }
  while (!deltas_.empty() &&
         (deltas_.front().first <= held_by_all || deltas_.size() > kDeltaBufferMax)) {
    deltas_.pop_front();
  }
}

}  // namespace simlab::crdt

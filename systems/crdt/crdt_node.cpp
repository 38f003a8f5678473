#include "systems/crdt/crdt_node.h"

#include <algorithm>

namespace simlab::crdt {

CrdtNode::CrdtNode(const NodeConfig& config)
    : config_(config),
      delta_lost_bug_(config.bugs.contains(kDeltaLostBug)),
      wall_clock_bug_(config.bugs.contains(kLwwWallClockBug)),
      merge_rules_{config.bugs.contains(kOrswotDescendsBug),
                   config.bugs.contains(kRemoveKeepsCommonDotsBug)} {}

void CrdtNode::on_client(NodeContext& context, RequestId request, ByteView payload) {
  const auto decoded = decode_request(payload);
  if (!decoded) return;  // garbage: a real server drops the connection
  if (phase_ != Phase::serving) {
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
    default:
      handle_write(context, request, *decoded);
  }
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
  if (!message || phase_ != Phase::serving) return;  // damaged, or not ready: the sender resends
  if (message->kind == PeerKind::ack) {
    if (message->incarnation != incarnation_) return;  // counts another boot's sequence numbers
    PeerProgress& progress = peers_[from];
    progress.acked = std::max(progress.acked.value_or(0), message->sequence);
    progress.answered = true;
    trim_buffer();
    return;
  }
  on_delta(context, from, std::move(*message));
}

// An interval already durable here is acknowledged at once; anything else is
// made durable first (the sender resends until then).
void CrdtNode::on_delta(NodeContext& context, NodeId from, PeerMessage message) {
  const auto received = received_.find(from);
  if (received != received_.end() && received->second.first == message.incarnation &&
      message.sequence <= received->second.second) {
    context.send(from, encode_peer(PeerMessage{
                           PeerKind::ack, message.incarnation, message.sequence, false, {}}));
    return;
  }
  Waiting waiting;
  waiting.delta = std::move(message.state);
  waiting.peer = from;
  waiting.peer_incarnation = message.incarnation;
  waiting.peer_sequence = message.sequence;
  batch_.push_back(std::move(waiting));
  flush_batch(context);
}

// A durable batch: joined into the state, and its clients' writes buffered
// for the peers as one delta. With crdt.delta-lost, a client write that lands in a batch behind
// another write to the same key is folded into that write's slot after the
// slot was taken for shipping: it is applied here and never sent (the Akka
// distributed-data bug, where a delta merged into a placeholder was dropped).
void CrdtNode::apply(const std::vector<Waiting>& batch) {
  ReplicaState shipped;
  std::set<std::string> written_keys;
  for (const Waiting& waiting : batch) {
    if (!waiting.request) {  // a peer's: its writer ships it to the others
      join_applied(waiting.delta, merge_rules_);
      hlc_ns_ = std::max(hlc_ns_, waiting.delta.latest_stamp_ns());
      continue;
    }
    join_applied(waiting.delta, SetJoinRules{});
    bool ship = true;
    if (delta_lost_bug_) {
      for (const auto& [key, counter] : waiting.delta.counters)
        ship = written_keys.insert("c" + key).second && ship;
      for (const auto& [key, set] : waiting.delta.sets)
        ship = written_keys.insert("s" + key).second && ship;
    }
    if (ship) shipped.join(waiting.delta);
  }
  ++state_version_;
  if (shipped.empty()) return;
  deltas_.emplace_back(next_sequence_++, std::move(shipped));
  trim_buffer();
}

void CrdtNode::join_applied(const ReplicaState& delta, SetJoinRules rules) {
  state_.join(delta, rules);
  derived_.join(delta, rules);
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
  if (phase_ == Phase::serving) {
    gossip(context);
    maybe_compact(context);
  }
  context.set_timer(kGossipTimer, kGossipInterval_ns);
}

void CrdtNode::gossip(NodeContext& context) {
  for (const NodeId peer : config_.initial_members) {
    if (peer != config_.id) send_to_peer(context, peer, peers_[peer]);
  }
}

void CrdtNode::send_to_peer(NodeContext& context, NodeId peer, PeerProgress& progress) {
  const std::uint64_t last = next_sequence_ - 1;
  const std::uint64_t first_buffered = deltas_.empty() ? next_sequence_ : deltas_.front().first;
  // BUGGIFY: the whole state now and then, as after a long partition.
  const bool behind = !progress.acked || *progress.acked + 1 < first_buffered ||
                      context.buggify("crdt.full-state-instead");
  if (behind) {
    if (state_.empty()) return;
    const std::int64_t now_ns = context.monotonic_ns();
    if (progress.full_state_sent_ns >= 0 &&
        now_ns - progress.full_state_sent_ns < kFullStateInterval_ns)
      return;
    progress.full_state_sent_ns = now_ns;
    context.send(peer, encode_delta(incarnation_, last, true, state_));
    return;
  }
  if (*progress.acked >= last) return;
  const std::int64_t now_ns = context.monotonic_ns();
  if (!progress.answered && now_ns - progress.sent_ns < kUnansweredResendInterval_ns) return;
  progress.sent_ns = now_ns;
  progress.answered = false;
  PeerMessage message{PeerKind::delta, incarnation_, last, false, {}};
  for (const auto& [sequence, delta] : deltas_) {
    if (sequence > *progress.acked) message.state.join(delta);
  }
  context.send(peer, encode_peer(message));
}

// Deltas every peer holds are dropped; past kDeltaBufferMax the oldest go
// too, and a peer that still lacks them gets the whole state.
void CrdtNode::trim_buffer() {
  std::uint64_t held_by_all = next_sequence_ - 1;
  for (const NodeId peer : config_.initial_members) {
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

// The replica's disk: recovery, the WAL's group commit, and compaction into
// the snapshot slots (crdt_node.h says why each is safe).
#include <fmt/format.h>

#include "systems/common/byte_codec.h"
#include "systems/common/crc32c.h"
#include "systems/crdt/crdt_node.h"

namespace simlab::crdt {
namespace {

// What recovery reads, by slot: the actor file, the two snapshots, the WAL.
constexpr int kActorSlot = 0, kWalSlot = 3, kRecoverySlots = 4;

const char* recovery_file(int slot) {
  if (slot == kActorSlot) return kActorFile;
  return slot == kWalSlot ? kWalFile : kSnapshotFiles[slot - 1];
}

// [u32 length][state][crc32c of the state]
Bytes encode_frame(const ReplicaState& state) {
  ByteWriter payload;
  write_state(payload, state);
  Bytes sealed = payload.take();
  append_crc32c(sealed);
  ByteWriter frame;
  frame.u32(static_cast<std::uint32_t>(sealed.size()));
  frame.raw(sealed);
  return frame.take();
}

struct FrameScan {
  std::vector<ReplicaState> states;
  std::uint64_t valid_bytes = 0;  // where the first short or damaged frame starts
};

FrameScan scan_frames(ByteView bytes) {
  FrameScan scan;
  while (scan.valid_bytes + 4 <= bytes.size()) {
    ByteReader header(bytes.subspan(scan.valid_bytes, 4));
    const std::uint32_t length = header.u32();
    if (length < 4 || length > bytes.size() - scan.valid_bytes - 4) break;
    const auto payload = verify_crc32c_trailer(bytes.subspan(scan.valid_bytes + 4, length));
    if (!payload) break;
    ByteReader reader(*payload);
    auto state = read_state(reader);
    if (!state || !reader.at_end()) break;
    scan.states.push_back(std::move(*state));
    scan.valid_bytes += 4 + length;
  }
  return scan;
}

// [u64 actor][u8 rebuilt][crc32c]
Bytes encode_actor(ActorId actor, bool rebuilt) {
  ByteWriter writer;
  writer.u64(actor);
  writer.u8(rebuilt ? 1 : 0);
  Bytes bytes = writer.take();
  append_crc32c(bytes);
  return bytes;
}

struct ActorRecord {
  ActorId actor = 0;
  bool rebuilt = false;
};

std::optional<ActorRecord> decode_actor(ByteView bytes) {
  const auto payload = verify_crc32c_trailer(bytes);
  if (!payload || payload->size() != 9) return std::nullopt;
  ByteReader reader(*payload);
  ActorRecord record;
  record.actor = reader.u64();
  record.rebuilt = reader.u8() == 1;
  return record;
}

}  // namespace

void CrdtNode::on_start(NodeContext& context) {
  incarnation_ = context.random().next_u64();
  for (int slot = 0; slot < kRecoverySlots; ++slot)
    recovery_reads_[context.disk_read(recovery_file(slot), 0, ~std::uint64_t{0})] = slot;
  context.set_timer(kGossipTimer, kGossipInterval_ns);
}

void CrdtNode::on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes) {
  if (recovery_reads_.contains(op)) {
    if (status != DiskStatus::ok) {  // an unreadable file: read it again
      const int slot = recovery_reads_[op];
      recovery_reads_.erase(op);
      recovery_reads_[context.disk_read(recovery_file(slot), 0, ~std::uint64_t{0})] = slot;
      return;
    }
    return on_recovery_read(context, op, bytes);
  }
  if (op == actor_fsync_ && phase_ == Phase::writing_actor) {
    if (status == DiskStatus::ok) return start_serving(context);
    return write_actor(context);
  }
  if (in_flight_ && op == in_flight_->first) {
    std::vector<Waiting> batch = std::move(in_flight_->second);
    in_flight_.reset();
    return on_batch_durable(context, batch, status == DiskStatus::ok);
  }
  if (compacting_ && (op == compaction_fsync_ || op == compaction_truncate_))
    return on_compaction_step(context, op, status);
  // A WAL write that failed: nothing is known of its bytes, so what follows
  // it may be unreadable; the next compaction empties the WAL. (A failed
  // write of the rebuilt note lands here too: the compaction costs little.)
  if (status != DiskStatus::ok) wal_poisoned_ = true;
}

void CrdtNode::on_recovery_read(NodeContext& context, DiskOpId op, ByteView bytes) {
  recovery_bytes_[recovery_reads_[op]] = Bytes(bytes.begin(), bytes.end());
  recovery_reads_.erase(op);
  if (recovery_reads_.empty()) recover(context);
}

// Every whole frame is joined in: the two snapshots and the WAL up to its
// first short or damaged frame, which is cut off. What it read may hold
// this replica's writes that no other disk has: it waits, unseen, until a
// peer acknowledges the whole state (which every peer is sent after a
// boot), unless there is no peer.
void CrdtNode::recover(NodeContext& context) {
  Unconfirmed recovered;
  recovered.rules = merge_rules_;
  recovered.recovered = true;
  for (int slot = 1; slot <= 2; ++slot) {
    for (const ReplicaState& state : scan_frames(recovery_bytes_[slot]).states)
      recovered.delta.join(state, merge_rules_);
  }
  const FrameScan wal = scan_frames(recovery_bytes_[kWalSlot]);
  for (const ReplicaState& state : wal.states) recovered.delta.join(state, merge_rules_);
  if (alone()) {
    join_applied(recovered.delta, merge_rules_);
  } else if (!recovered.delta.empty()) {
    recovered.sequence = next_sequence_++;
    unconfirmed_.push_back(std::move(recovered));
    recovery_unconfirmed_ = true;
  }
  wal_end_ = wal.valid_bytes;
  if (wal.valid_bytes != recovery_bytes_[kWalSlot].size()) {
    if (context.log_enabled())
      context.log(fmt::format("recovery: cutting the WAL from {} to {} bytes",
                              recovery_bytes_[kWalSlot].size(), wal.valid_bytes));
    context.disk_truncate(kWalFile, wal.valid_bytes);
  }
  const std::optional<ActorRecord> record = decode_actor(recovery_bytes_[kActorSlot]);
  for (Bytes& bytes : recovery_bytes_) Bytes().swap(bytes);
  ++state_version_;
  if (record) {
    actor_ = record->actor;
    rebuilt_ = record->rebuilt;
    return start_serving(context);
  }
  // No actor of its own on disk: a new one, durable before any write uses
  // it. With crdt.actor-reuse, the node's id alone, the same on every boot:
  // after a lost disk its dots start again at 1, under dots the other
  // replicas have already seen (and removed, or hold for other elements).
  const ActorId drawn = context.random().next_u64() & ((ActorId{1} << 40) - 1);
  actor_ = (static_cast<ActorId>(config_.id) << 40) | (actor_reuse_bug_ ? 0 : drawn);
  phase_ = Phase::writing_actor;
  write_actor(context);
}

void CrdtNode::write_actor(NodeContext& context) {
  context.disk_write(kActorFile, 0, encode_actor(actor_, rebuilt_));
  actor_fsync_ = context.disk_fsync(kActorFile);
}

// What this actor issued before is in what recovery read (confirmed or
// not): its next dots and counts follow on from there.
void CrdtNode::start_serving(NodeContext& context) {
  if (!rebuilt_ && !alone()) {
    for (const NodeId peer : roles_.servers) {
      if (peer != config_.id) rebuild_awaiting_.insert(peer);
    }
  }
  phase_ = rebuild_awaiting_.empty() && !recovery_unconfirmed_ ? Phase::serving : Phase::rebuilding;
  const ReplicaState known = whole_state();
  hlc_ns_ = std::max(hlc_ns_, known.latest_stamp_ns());
  for (const auto& [key, counter] : known.counters) issued_counters_[key] = counter.entry(actor_);
  for (const auto& [key, set] : known.sets) issued_dots_[key] = set.context().max_counter(actor_);
  for (const auto& [key, value] : known.mv_registers)
    issued_mv_dots_[key] = value.context().max_counter(actor_);
  if (context.log_enabled())
    context.log(fmt::format("{} as actor {:x}", phase_ == Phase::serving ? "serving" : "rebuilding",
                            actor_));
  if (!rebuild_awaiting_.empty()) ask_for_states(context);
}

// At most every kFullStateInterval_ns: each ask costs the peer its whole state.
void CrdtNode::ask_for_states(NodeContext& context) {
  const std::int64_t now_ns = context.monotonic_ns();
  if (resync_sent_ns_ >= 0 && now_ns - resync_sent_ns_ < kFullStateInterval_ns) return;
  resync_sent_ns_ = now_ns;
  for (const NodeId peer : rebuild_awaiting_)
    context.send(peer, encode_peer(control_message(PeerKind::resync, incarnation_, 0)));
}

// Reads are safe once every peer's state is durable here (after an empty
// disk) and what recovery read is on another disk (after a restart). After
// an empty disk every peer gets this replica's whole state (what it rebuilt
// included), and the actor file says it is rebuilt (a crash before that is
// durable only rebuilds again).
void CrdtNode::maybe_finish_rebuild(NodeContext& context) {
  if (phase_ != Phase::rebuilding || !rebuild_awaiting_.empty() || recovery_unconfirmed_) return;
  phase_ = Phase::serving;
  if (context.log_enabled()) context.log("rebuilt: serving");
  if (rebuilt_) return;
  rebuilt_ = true;
  // A sequence of its own, so an acknowledgement of a whole state sent
  // before now (which lacked what the rebuild brought) does not count.
  whole_state_floor_ = next_sequence_++;
  for (auto& [peer, progress] : peers_) progress.full_state_sent_ns = -1;
  context.disk_write(kActorFile, 0, encode_actor(actor_, rebuilt_));
  context.disk_fsync(kActorFile);
}

// One WAL write and fsync at a time; what arrives meanwhile waits for the
// next (group commit), and nothing is written while a compaction runs.
void CrdtNode::flush_batch(NodeContext& context) {
  if (in_flight_ || compacting_ || batch_.empty()) return;
  ReplicaState frame;
  for (const Waiting& waiting : batch_) frame.join(waiting.delta);
  const Bytes bytes = encode_frame(frame);
  context.disk_write(kWalFile, wal_end_, bytes);
  wal_end_ += bytes.size();
  in_flight_.emplace(context.disk_fsync(kWalFile), std::move(batch_));
  batch_.clear();
}

// A failed fsync says nothing of the frame: the clients are not answered
// (their calls time out as unknown) and the peers resend.
void CrdtNode::on_batch_durable(NodeContext& context, const std::vector<Waiting>& batch, bool ok) {
  if (!ok) {
    wal_poisoned_ = true;
  } else {
    apply(context, batch);
    for (const Waiting& waiting : batch) {
      if (waiting.peer == kNoNode) continue;
      if (waiting.peer_kind == PeerKind::sync) answer_sync(context, waiting);
      if (waiting.peer_kind == PeerKind::sync_reply) after_sync_reply(waiting);
      if (waiting.peer_kind != PeerKind::delta) continue;
      if (waiting.full_state) rebuild_awaiting_.erase(waiting.peer);
      auto& received = received_[waiting.peer];
      if (received.first != waiting.peer_incarnation) received = {waiting.peer_incarnation, 0};
      received.second = std::max(received.second, waiting.peer_sequence);
      context.send(waiting.peer,
                   encode_peer(control_message(PeerKind::ack, waiting.peer_incarnation,
                                               waiting.peer_sequence)));
    }
  }
  maybe_finish_rebuild(context);
  maybe_compact(context);
  flush_batch(context);
}

// BUGGIFY compacts a small WAL too, so recovery from a snapshot and a WAL
// runs in short runs as well as long ones.
void CrdtNode::maybe_compact(NodeContext& context) {
  if (compacting_ || in_flight_) return;
  if (wal_end_ < kWalCompactBytes && !wal_poisoned_ &&
      !(wal_end_ > 0 && context.buggify("crdt.compact-early")))
    return;
  compacting_ = true;
  const char* file = kSnapshotFiles[next_snapshot_slot_];
  context.disk_write(file, 0,
                     unconfirmed_.empty() ? encode_frame(state_) : encode_frame(whole_state()));
  compaction_fsync_ = context.disk_fsync(file);
}

// The snapshot is durable before the WAL is emptied; a crash between the two
// finds both, and joining both is the same state.
void CrdtNode::on_compaction_step(NodeContext& context, DiskOpId op, DiskStatus status) {
  if (status != DiskStatus::ok) {  // try again at the next gossip tick
    compacting_ = false;
    flush_batch(context);
    return;
  }
  if (op == compaction_fsync_) {
    compaction_truncate_ = context.disk_truncate(kWalFile, 0);
    return;
  }
  wal_end_ = 0;
  wal_poisoned_ = false;
  next_snapshot_slot_ ^= 1;
  compacting_ = false;
  flush_batch(context);
}

}  // namespace simlab::crdt

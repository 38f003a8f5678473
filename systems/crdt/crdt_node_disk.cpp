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

Bytes encode_actor(ActorId actor) {
  ByteWriter writer;
  writer.u64(actor);
  Bytes bytes = writer.take();
  append_crc32c(bytes);
  return bytes;
}

std::optional<ActorId> decode_actor(ByteView bytes) {
  const auto payload = verify_crc32c_trailer(bytes);
  if (!payload || payload->size() != 8) return std::nullopt;
  ByteReader reader(*payload);
  return reader.u64();
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
  // it may be unreadable; the next compaction empties the WAL.
  if (status != DiskStatus::ok) wal_poisoned_ = true;
}

void CrdtNode::on_recovery_read(NodeContext& context, DiskOpId op, ByteView bytes) {
  recovery_bytes_[recovery_reads_[op]] = Bytes(bytes.begin(), bytes.end());
  recovery_reads_.erase(op);
  if (recovery_reads_.empty()) recover(context);
}

// Every whole frame is joined in: the two snapshots and the WAL up to its
// first short or damaged frame, which is cut off.
void CrdtNode::recover(NodeContext& context) {
  for (int slot = 1; slot <= 2; ++slot) {
    for (const ReplicaState& state : scan_frames(recovery_bytes_[slot]).states)
      join_applied(state, merge_rules_);
  }
  const FrameScan wal = scan_frames(recovery_bytes_[kWalSlot]);
  for (const ReplicaState& state : wal.states) join_applied(state, merge_rules_);
  wal_end_ = wal.valid_bytes;
  if (wal.valid_bytes != recovery_bytes_[kWalSlot].size()) {
    if (context.log_enabled())
      context.log(fmt::format("recovery: cutting the WAL from {} to {} bytes",
                              recovery_bytes_[kWalSlot].size(), wal.valid_bytes));
    context.disk_truncate(kWalFile, wal.valid_bytes);
  }
  const std::optional<ActorId> actor = decode_actor(recovery_bytes_[kActorSlot]);
  for (Bytes& bytes : recovery_bytes_) Bytes().swap(bytes);
  ++state_version_;
  if (actor) {
    actor_ = *actor;
    return start_serving(context);
  }
  // No actor of its own on disk: a new one, durable before any write uses it.
  actor_ = (static_cast<ActorId>(config_.id) << 40) |
           (context.random().next_u64() & ((ActorId{1} << 40) - 1));
  phase_ = Phase::writing_actor;
  write_actor(context);
}

void CrdtNode::write_actor(NodeContext& context) {
  context.disk_write(kActorFile, 0, encode_actor(actor_));
  actor_fsync_ = context.disk_fsync(kActorFile);
}

void CrdtNode::start_serving(NodeContext& context) {
  phase_ = Phase::serving;
  hlc_ns_ = std::max(hlc_ns_, state_.latest_stamp_ns());
  for (const auto& [key, counter] : state_.counters) issued_counters_[key] = counter.entry(actor_);
  for (const auto& [key, set] : state_.sets) issued_dots_[key] = set.context().max_counter(actor_);
  if (context.log_enabled()) context.log(fmt::format("serving as actor {:x}", actor_));
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
    apply(batch);
    for (const Waiting& waiting : batch) {
      if (waiting.request) context.reply(*waiting.request, encode_reply(ClientReply{}));
      if (waiting.peer == kNoNode) continue;
      auto& received = received_[waiting.peer];
      if (received.first != waiting.peer_incarnation) received = {waiting.peer_incarnation, 0};
      received.second = std::max(received.second, waiting.peer_sequence);
      context.send(waiting.peer,
                   encode_peer(PeerMessage{
                       PeerKind::ack, waiting.peer_incarnation, waiting.peer_sequence, false, {}}));
    }
  }
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
  context.disk_write(file, 0, encode_frame(state_));
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

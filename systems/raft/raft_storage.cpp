// Durability: term and vote in two CRC'd slots, the log in a WAL of CRC'd
// records, snapshots in two alternating CRC'd files, each snapshot naming the
// WAL segment that continues it. Everything goes through one serial disk
// queue, and a message that depends on a write waits for its fsync.
#include <algorithm>

#include "systems/common/violation.h"
#include "systems/raft/limits.h"
#include "systems/raft/raft.h"

namespace simlab::raft {
namespace {

// An early (buggified) snapshot still covers a few entries: one per apply
// would rewrite the WAL on every entry.
constexpr Index kEarlySnapshotEntriesMin = 8;

Bytes snapshot_record(const SnapshotMeta& meta, std::uint64_t wal_sequence, ByteView data) {
  ByteWriter writer;
  writer.u64(meta.index);
  writer.u64(meta.term);
  encode_config(writer, meta.config);
  writer.u64(meta.chain);
  writer.u64(wal_sequence);
  writer.blob(data);
  return frame_record(writer.bytes());
}

}  // namespace

std::uint64_t Raft::persist_hard_state(NodeContext& context) {
  const std::uint64_t ticket = ++next_ticket_;
  const Bytes record = hard_state_record(hard_);
  SIMLAB_ASSERT(record.size() <= kHardStateSlotBytes, "raft.hard-state-fits", "slot overflow");
  // Slot 0 is synced before slot 1 is touched, so a crash or a torn write
  // leaves at least one slot holding the newest synced state.
  disk_.write(context, kMetaFile, 0, record);
  disk_.fsync(context, kMetaFile);
  disk_.write(context, kMetaFile, kHardStateSlotBytes, record);
  disk_.fsync(context, kMetaFile, [this, ticket](NodeContext& ctx, DiskStatus, ByteView) {
    on_synced(ctx, ticket, 0);
  });
  return ticket;
}

std::uint64_t Raft::persist_entries(NodeContext& context, Index from) {
  const std::uint64_t ticket = ++next_ticket_;
  Bytes bytes = entry_records(log_.suffix(from));
  const std::uint64_t offset = wal_offset_;
  wal_offset_ += bytes.size();
  unsynced_.push_back({ticket, log_.last_index()});
  disk_.append_and_sync(context, wal_file(), offset, std::move(bytes),
                        [this, ticket](NodeContext& ctx, DiskStatus, ByteView) {
                          on_synced(ctx, ticket, 0);
                        });
  return ticket;
}

// Rotation: the suffix after the snapshot goes to a fresh WAL segment,
// synced, and only then the snapshot naming that segment; a crash between
// the two recovers from the previous snapshot and segment, still intact.
std::uint64_t Raft::persist_snapshot(NodeContext& context) {
  const std::uint64_t ticket = ++next_ticket_;
  const std::uint64_t old_sequence = wal_sequence_;
  ++wal_sequence_;
  Bytes suffix = entry_records(log_.suffix(log_.first_index()));
  wal_offset_ = suffix.size();
  snapshot_in_progress_ = true;
  disk_.truncate(context, wal_file(), 0);
  disk_.write(context, wal_file(), 0, std::move(suffix));
  disk_.fsync(context, wal_file());
  disk_.write(context, snapshot_file(wal_sequence_), 0,
              snapshot_record(snapshot_.meta, wal_sequence_, snapshot_.data));
  unsynced_.push_back({ticket, log_.last_index()});
  disk_.fsync(context, snapshot_file(wal_sequence_),
              [this, ticket](NodeContext& ctx, DiskStatus, ByteView) {
                snapshot_in_progress_ = false;
                on_synced(ctx, ticket, 0);
              });
  disk_.truncate(context, wal_segment_file(old_sequence), 0);
  return ticket;
}

void Raft::on_synced(NodeContext& context, std::uint64_t ticket, Index durable_last) {
  (void)durable_last;
  synced_ticket_ = std::max(synced_ticket_, ticket);
  while (!unsynced_.empty() && unsynced_.front().first <= synced_ticket_) {
    durable_index_ = std::max(durable_index_, unsynced_.front().second);
    unsynced_.pop_front();
  }
  durable_index_ = std::min(durable_index_, log_.last_index());
  while (!held_.empty() && held_.front().ticket <= synced_ticket_) {
    HeldMessage held = std::move(held_.front());
    held_.pop_front();
    send(context, held.to, std::move(held.message));
  }
  if (role_ == Role::leader) {
    progress_[self_].match = durable_index_;
    maybe_commit(context);
  }
}

void Raft::maybe_snapshot(NodeContext& context) {
  if (snapshot_in_progress_ || applied_ == log_.snapshot_index()) return;
  // BUGGIFY: a snapshot at whatever index was just applied, long before the
  // interval: followers then catch up by snapshot at odd points.
  const bool early = applied_ - log_.snapshot_index() >= kEarlySnapshotEntriesMin &&
                     context.buggify("raft.early-snapshot");
  if (!early && applied_ - log_.snapshot_index() < options_.snapshot_entries) return;
  SnapshotMeta meta;
  meta.index = applied_;
  meta.term = *log_.term_at(applied_);
  meta.chain = *log_.chain_at(applied_);
  for (const auto& [index, config] : configs_) {
    if (index <= applied_) meta.config = config;
  }
  Bytes data = application_.snapshot();
  SIMLAB_ASSERT(data.size() <= kSnapshotBytesMax, "raft.snapshot-bound", "snapshot too large");
  snapshot_ = Snapshot{meta, std::move(data)};
  log_.compact_to(applied_);
  while (configs_.size() > 1 && configs_[1].first <= applied_) configs_.erase(configs_.begin());
  configs_.front() = {applied_, meta.config};
  trace(context, "snapshot at " + std::to_string(applied_));
  persist_snapshot(context);
}

void Raft::on_disk_error(NodeContext& context, DiskStatus status) {
  // After a failed write or fsync the page cache and the disk may disagree
  // (fsyncgate, 2018): restart from what the disk really holds.
  trace(context, std::string("disk error ") + disk_status_name(status) +
                     ": restarting from the disk");
  recover(context);
}

}  // namespace simlab::raft

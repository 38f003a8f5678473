// Recovery at boot (or after a disk error): read the hard-state slots, both
// snapshot slots and the WAL segment the newest snapshot names; truncate a
// torn tail; report corruption and repair from the leader instead of trusting
// or silently dropping what was lost.
#include <algorithm>

#include "systems/common/violation.h"
#include "systems/raft/limits.h"
#include "systems/raft/raft.h"

namespace simlab::raft {
namespace {

constexpr std::uint64_t kReadAllBytes = std::uint64_t{1} << 32;

struct ParsedSnapshot {
  SnapshotMeta meta;
  std::uint64_t wal_sequence = 0;
  Bytes data;
};

std::optional<ParsedSnapshot> parse_snapshot(ByteView bytes) {
  auto record = parse_record(bytes, 0, kSnapshotBytesMax + 1024);
  if (!record) return std::nullopt;
  ByteReader reader(record->payload);
  ParsedSnapshot parsed;
  parsed.meta.index = reader.u64();
  parsed.meta.term = reader.u64();
  parsed.meta.config = decode_config(reader);
  parsed.meta.chain = reader.u64();
  parsed.wal_sequence = reader.u64();
  parsed.data = reader.blob();
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return parsed;
}

}  // namespace

void Raft::recover(NodeContext& context) {
  loaded_ = false;
  disk_.reset();
  hard_ = HardState{};
  log_.reset(0, 0, 0);
  configs_.assign(1, {0, ClusterConfig{}});
  snapshot_ = Snapshot{};
  role_ = Role::follower;
  leader_ = kNoNode;
  commit_ = applied_ = 0;
  reset_role_state(context);
  term_start_index_ = 0;
  wal_sequence_ = wal_offset_ = 0;
  next_ticket_ = synced_ticket_ = hard_state_ticket_ = repair_cleared_ticket_ = 0;
  durable_index_ = 0;
  unsynced_.clear();
  held_.clear();
  snapshot_in_progress_ = false;
  recovering_ = false;
  recovering_until_ = 0;
  loading_ = Loading{};
  application_.restore({});
  disk_.read(context, kMetaFile, 2 * kHardStateSlotBytes,
             [this](NodeContext& ctx, DiskStatus, ByteView bytes) { load_hard_state(ctx, bytes); });
}

void Raft::load_hard_state(NodeContext& context, ByteView bytes) {
  for (std::uint64_t slot = 0; slot < 2; ++slot) {
    const std::optional<HardState> state = parse_hard_state(bytes, slot * kHardStateSlotBytes);
    if (!state) continue;
    if (!loading_.hard_state || state->term > loading_.hard_state->term ||
        (state->term == loading_.hard_state->term && state->vote != kNoNode)) {
      loading_.hard_state = state;
    }
  }
  loading_.hard_state_corrupt = !bytes.empty() && !loading_.hard_state;
  disk_.read(context, "raft.snap.0", kReadAllBytes,
             [this](NodeContext& ctx, DiskStatus, ByteView data) {
               load_snapshot_slot(ctx, 0, data);
             });
}

void Raft::load_snapshot_slot(NodeContext& context, int slot, ByteView bytes) {
  std::optional<ParsedSnapshot> parsed = parse_snapshot(bytes);
  if (!parsed && !bytes.empty()) {
    loading_.snapshot_corrupt = true;
    context.log("raft " + std::to_string(self_) + ": CORRUPTION: snapshot slot " +
                std::to_string(slot) + " fails its CRC");
  }
  if (parsed && (!loading_.snapshot || parsed->wal_sequence > loading_.snapshot_wal_sequence)) {
    loading_.snapshot = Snapshot{parsed->meta, std::move(parsed->data)};
    loading_.snapshot_wal_sequence = parsed->wal_sequence;
  }
  if (slot == 0) {
    disk_.read(context, "raft.snap.1", kReadAllBytes,
               [this](NodeContext& ctx, DiskStatus, ByteView data) {
                 load_snapshot_slot(ctx, 1, data);
               });
    return;
  }
  wal_sequence_ = loading_.snapshot_wal_sequence;
  if (loading_.snapshot_corrupt) {
    read_newer_segment(context, wal_sequence_ + 1);
    return;
  }
  disk_.read(context, wal_file(), kReadAllBytes,
             [this](NodeContext& ctx, DiskStatus, ByteView data) { load_wal(ctx, data); });
}

// A corrupt snapshot slot may have been the newest one, naming a WAL
// segment after the one recovery falls back to. Its entries cannot be
// used (the snapshot they follow is gone), but they say how far the log
// went: without them the node would repair only to the older segment's
// end and vote with a log missing entries it had acknowledged (found by
// the commit log's swarm: a bit flip in raft.snap.1, then every node
// crashing at once, elected a leader without a committed entry).
void Raft::read_newer_segment(NodeContext& context, std::uint64_t wal_sequence) {
  constexpr std::uint64_t kNewerSegmentsMax = 2;  // slots alternate: one can be lost
  if (wal_sequence > wal_sequence_ + kNewerSegmentsMax) {
    disk_.read(context, wal_file(), kReadAllBytes,
               [this](NodeContext& ctx, DiskStatus, ByteView data) { load_wal(ctx, data); });
    return;
  }
  disk_.read(context, wal_segment_file(wal_sequence), kReadAllBytes,
             [this, wal_sequence](NodeContext& ctx, DiskStatus, ByteView data) {
               const WalScan scan = scan_wal(data);
               Index& seen = loading_.newer_segments_index_max;
               seen = std::max(seen, scan.index_after_corruption_max);
               for (const Entry& entry : scan.entries) seen = std::max(seen, entry.index);
               read_newer_segment(ctx, wal_sequence + 1);
             });
}

void Raft::load_wal(NodeContext& context, ByteView bytes) {
  if (loading_.hard_state) hard_ = *loading_.hard_state;
  if (loading_.snapshot) {
    const Snapshot& snapshot = *loading_.snapshot;
    log_.reset(snapshot.meta.index, snapshot.meta.term, snapshot.meta.chain);
    configs_.assign(1, {snapshot.meta.index, snapshot.meta.config});
    if (!application_.restore(snapshot.data)) {
      SIMLAB_ASSERT(false, "raft.snapshot-restores", "a CRC-valid snapshot does not decode");
    }
    snapshot_ = snapshot;
    commit_ = applied_ = snapshot.meta.index;
  } else {
    ClusterConfig bootstrap;
    if (std::binary_search(initial_members_.begin(), initial_members_.end(), self_)) {
      bootstrap.voters = initial_members_;
    }
    configs_.assign(1, {0, bootstrap});
    snapshot_.meta.config = bootstrap;
  }
  const WalScan scan = scan_wal(bytes);
  Index highest_seen = std::max(scan.index_after_corruption_max, loading_.newer_segments_index_max);
  bool gap = false;
  for (const Entry& entry : scan.entries) {
    highest_seen = std::max(highest_seen, entry.index);
    if (gap || entry.index <= log_.snapshot_index()) continue;
    if (entry.index > log_.last_index() + 1 || entry.term < log_.last_term()) {
      gap = true;  // records missing in between: treat like corruption
      continue;
    }
    if (entry.index <= log_.last_index()) {
      log_.truncate_after(entry.index - 1);
      truncate_configs_after(entry.index - 1);
    }
    if (entry.type == EntryType::config) on_config_appended(entry);
    log_.append(entry);
  }
  wal_offset_ = scan.valid_bytes;
  trace(context, "read " + wal_file() + ": " + std::to_string(bytes.size()) + " bytes, " +
                     std::to_string(scan.entries.size()) + " records");
  // A damaged complete last record may hold an acknowledged entry (index
  // last + 1): repairing costs a little liveness, trusting it could lose a
  // committed write.
  if (scan.complete_tail_damaged) highest_seen = std::max(highest_seen, log_.last_index() + 1);
  const bool corrupt = scan.corrupt || gap || loading_.snapshot_corrupt ||
                       loading_.hard_state_corrupt || scan.complete_tail_damaged;
  if (corrupt || hard_.repair_until > 0) {
    recovering_ = true;
    recovering_until_ = std::max({highest_seen, log_.last_index(), hard_.repair_until});
    hard_.term = std::max(hard_.term, log_.last_term());
  }
  if (corrupt) {
    context.log("raft " + std::to_string(self_) + ": CORRUPTION: WAL or metadata damaged" +
                " (log kept up to " + std::to_string(log_.last_index()) +
                "); not voting until a leader repairs it up to " +
                std::to_string(recovering_until_));
    // Remember the repair before the damaged records disappear from the WAL.
    hard_.repair_until = recovering_until_;
    hard_.repair_term = std::max(hard_.repair_term, hard_.term);
    hard_state_ticket_ = persist_hard_state(context);
    rewrite_wal(context);
  } else if (scan.valid_bytes < bytes.size()) {
    context.log("raft " + std::to_string(self_) + ": truncating a torn WAL tail at byte " +
                std::to_string(scan.valid_bytes));
    disk_.truncate(context, wal_file(), scan.valid_bytes);
  }
  finish_recovery(context);
}

// Replaces the segment by exactly the entries kept in memory, so damaged or
// orphaned records can never be replayed in front of new appends.
void Raft::rewrite_wal(NodeContext& context) {
  Bytes bytes = entry_records(log_.suffix(log_.first_index()));
  wal_offset_ = bytes.size();
  disk_.truncate(context, wal_file(), 0);
  disk_.write(context, wal_file(), 0, std::move(bytes));
  disk_.fsync(context, wal_file());
}

void Raft::finish_recovery(NodeContext& context) {
  durable_index_ = log_.last_index();
  loaded_ = true;
  trace(context, "recovered " + status_text());
  context.set_timer(kTickTimer, options_.tick_ns);
}

}  // namespace simlab::raft

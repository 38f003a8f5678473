// The replica's disk: one segment file of CRC'd frames per partition
// (frames have one size, so offset o starts at byte o * frame size), and a
// checkpoint of the high watermark (Kafka's replication-offset-checkpoint).
#include <fmt/format.h>

#include <cassert>

#include "systems/common/crc32c.h"
#include "systems/log/partition_replica.h"

namespace simlab::commitlog {
namespace {

constexpr std::uint64_t kReadAllBytes = std::uint64_t{1} << 40;

std::uint64_t frame_bytes() {
  static const std::uint64_t size = encode_frame(Record{}).size();
  return size;
}

std::uint64_t chain_hash(std::uint64_t previous, const Record& record) {
  // splitmix64's finaliser over each field in turn: a change anywhere in
  // the record (or before it) changes every later link.
  auto mix = [](std::uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  std::uint64_t hash = previous;
  for (std::uint64_t field :
       {static_cast<std::uint64_t>(record.kind), static_cast<std::uint64_t>(record.offset),
        static_cast<std::uint64_t>(record.leader_epoch), record.producer_id,
        static_cast<std::uint64_t>(record.producer_epoch),
        static_cast<std::uint64_t>(record.sequence), static_cast<std::uint64_t>(record.value)}) {
    hash = mix(hash ^ field) + 0x9e3779b97f4a7c15ULL;
  }
  return hash;
}

}  // namespace

std::string PartitionReplica::segment_file() const { return fmt::format("log-p{}.seg", id_); }
std::string PartitionReplica::checkpoint_file() const { return fmt::format("log-p{}.hw", id_); }
std::string PartitionReplica::damage_file() const { return fmt::format("log-p{}.damaged", id_); }

void PartitionReplica::recover(NodeContext& context) {
  loaded_ = false;
  const std::uint64_t generation = generation_;
  env_.disk->read(context, checkpoint_file(), kReadAllBytes,
                  [this, generation](NodeContext&, DiskStatus, ByteView bytes) {
                    if (generation != generation_) return;
                    checkpointed_hw_ = 0;
                    if (const auto body = verify_crc32c_trailer(bytes)) {
                      ByteReader in(*body);
                      const Offset hw = in.i64();
                      if (in.ok() && in.at_end() && hw >= 0) checkpointed_hw_ = hw;
                    }
                  });
  env_.disk->read(context, damage_file(), kReadAllBytes,
                  [this, generation](NodeContext&, DiskStatus, ByteView bytes) {
                    if (generation == generation_) damage_marked_ = !bytes.empty();
                  });
  env_.disk->read(context, segment_file(), kReadAllBytes,
                  [this, generation](NodeContext& ctx, DiskStatus, ByteView bytes) {
                    if (generation == generation_) load_segment(ctx, bytes);
                  });
}

// The damage is written down before the damaged tail is cut: a crash
// before the repair must not bring the copy back looking whole (the
// protocol-aware recovery of Alagappan et al., FAST 2018, as Raft's repair
// mark here does for the WAL).
void PartitionReplica::mark_damaged(NodeContext& context) {
  if (damage_marked_) return;
  damage_marked_ = true;
  env_.disk->write(context, damage_file(), 0, Bytes{1});
  env_.disk->fsync(context, damage_file());
}

void PartitionReplica::clear_damage(NodeContext& context) {
  damaged_ = false;
  damage_marked_ = false;
  env_.disk->truncate(context, damage_file(), 0);
  env_.disk->fsync(context, damage_file());
}

void PartitionReplica::load_segment(NodeContext& context, ByteView bytes) {
  const SegmentScan scan = scan_segment(bytes);
  // Records below the checkpointed high watermark were committed, so they
  // were synced: losing them is damage, not a torn tail.
  damaged_ = damage_marked_ || scan.damaged_inside ||
             static_cast<Offset>(scan.records.size()) < checkpointed_hw_;
  if (damaged_) mark_damaged(context);
  if (scan.valid_bytes < bytes.size()) {
    // A torn or corrupt tail: what follows the last whole frame is cut off.
    if (context.log_enabled()) {
      context.log(fmt::format("p{}: segment tail of {} bytes cut at {} records", id_,
                              bytes.size() - scan.valid_bytes, scan.records.size()));
    }
    env_.disk->truncate(context, segment_file(), scan.valid_bytes);
  }
  if (damaged_ && context.log_enabled()) {
    context.log(fmt::format("p{}: recovered {} records, committed ones among those lost", id_,
                            scan.records.size()));
  }
  log_ = scan.records;
  rebuild_derived();
  written_end_ = log_end();
  durable_end_ = 0;
  hw_ = std::min(checkpointed_hw_, log_end());
  loaded_ = true;
  // What was read may still sit in a cache the crash did not clear: only a
  // completed fsync makes it count as durable.
  sync_now(context);
  if (have_state_) on_metadata(context, state_);
}

void PartitionReplica::rebuild_derived() {
  chains_.clear();
  epoch_starts_.clear();
  producers_.clear();
  txns_.clear();
  std::uint64_t chain = 0;
  for (const Record& record : log_) {
    chain = chain_hash(chain, record);
    chains_.push_back(chain);
    if (epoch_starts_.empty() || record.leader_epoch > epoch_starts_.rbegin()->first) {
      epoch_starts_[record.leader_epoch] = record.offset;
    }
    producers_.record(record);
    txns_.record(record);
  }
}

void PartitionReplica::append(NodeContext& context, std::span<const Record> records) {
  if (records.empty()) return;
  const std::uint64_t position = static_cast<std::uint64_t>(log_end()) * frame_bytes();
  Bytes frames;
  frames.reserve(records.size() * frame_bytes());
  for (const Record& record : records) {
    assert(record.offset == log_end());
    log_.push_back(record);
    chains_.push_back(chain_hash(chains_.empty() ? 0 : chains_.back(), record));
    if (epoch_starts_.empty() || record.leader_epoch > epoch_starts_.rbegin()->first) {
      epoch_starts_[record.leader_epoch] = record.offset;
    }
    producers_.record(record);
    txns_.record(record);
    append_frame(frames, record);
  }
  written_end_ = log_end();
  // One write for the run (a produced batch, a fetch reply's records).
  if (env_.options->fsync == FsyncPolicy::every_batch) {
    const std::uint64_t generation = generation_;
    const Offset target = written_end_;
    env_.disk->append_and_sync(context, segment_file(), position, std::move(frames),
                               [this, generation, target](NodeContext& ctx, DiskStatus, ByteView) {
                                 if (generation != generation_) return;
                                 durable_end_ = std::max(durable_end_, target);
                                 advance_high_watermark(ctx);
                                 report_durable(ctx);
                               });
  } else {
    env_.disk->write(context, segment_file(), position, std::move(frames));
  }
}

void PartitionReplica::sync_now(NodeContext& context) {
  if (fsync_queued_) return;
  fsync_queued_ = true;
  const std::uint64_t generation = generation_;
  const Offset target = written_end_;
  env_.disk->fsync(
      context, segment_file(), [this, generation, target](NodeContext& ctx, DiskStatus, ByteView) {
        if (generation != generation_) return;
        fsync_queued_ = false;
        durable_end_ = std::max(durable_end_, target);
        if (written_end_ > durable_end_ && env_.options->fsync == FsyncPolicy::every_batch) {
          sync_now(ctx);
        }
        advance_high_watermark(ctx);
        report_durable(ctx);
      });
}

void PartitionReplica::on_fsync_due(NodeContext& context) {
  if (loaded_ && written_end_ > durable_end_) sync_now(context);
}

void PartitionReplica::truncate_to(NodeContext& context, Offset end) {
  if (end >= log_end()) return;
  if (context.log_enabled()) {
    context.log(fmt::format("p{}: truncate {} -> {} (hw {})", id_, log_end(), end, hw_));
  }
  log_.resize(static_cast<std::size_t>(end));
  rebuild_derived();
  // Completions still due were for writes that no longer stand.
  ++generation_;
  fsync_queued_ = false;
  durable_end_ = std::min(durable_end_, end);
  written_end_ = end;
  hw_ = std::min(hw_, end);
  env_.disk->truncate(context, segment_file(), static_cast<std::uint64_t>(end) * frame_bytes());
  sync_now(context);
}

void PartitionReplica::raise_high_watermark(Offset hw) { hw_ = std::max(hw_, hw); }

// Kafka checkpoints every replica.high.watermark.checkpoint.interval.ms
// (5 s); a tenth of that keeps the disk free for the records themselves.
void PartitionReplica::checkpoint_high_watermark(NodeContext& context) {
  constexpr std::int64_t kCheckpointIntervalNs = 500 * kNanosecondsPerMillisecond;
  if (checkpoint_in_flight_ || hw_ == checkpointed_hw_) return;
  const std::int64_t now = context.monotonic_ns();
  if (checkpointed_ns_ != 0 && now - checkpointed_ns_ < kCheckpointIntervalNs) return;
  checkpointed_ns_ = now;
  checkpoint_in_flight_ = true;
  ByteWriter out;
  out.i64(hw_);
  Bytes bytes = out.take();
  append_crc32c(bytes);
  const std::uint64_t generation = generation_;
  const Offset value = hw_;
  env_.disk->truncate(context, checkpoint_file(), 0);
  env_.disk->write(context, checkpoint_file(), 0, std::move(bytes));
  env_.disk->fsync(context, checkpoint_file(),
                   [this, generation, value](NodeContext&, DiskStatus, ByteView) {
                     checkpoint_in_flight_ = false;
                     if (generation == generation_) checkpointed_hw_ = value;
                   });
}

Epoch PartitionReplica::latest_epoch() const {
  return epoch_starts_.empty() ? -1 : epoch_starts_.rbegin()->first;
}

std::pair<Epoch, Offset> PartitionReplica::epoch_end(Epoch epoch) const {
  auto next = epoch_starts_.upper_bound(epoch);
  if (next == epoch_starts_.begin()) {
    return {-1, epoch_starts_.empty() ? log_end() : epoch_starts_.begin()->second};
  }
  const Epoch found = std::prev(next)->first;
  return {found, next == epoch_starts_.end() ? log_end() : next->second};
}

}  // namespace simlab::commitlog

#include "sim/virtual_disk.h"

#include <algorithm>

namespace simlab::sim {

std::int64_t VirtualDisk::completion_ns(OpKind kind, std::int64_t now_ns, RandomSource& random) {
  const LatencyModel& model = kind == OpKind::fsync  ? config_.fsync_latency
                              : kind == OpKind::read ? config_.read_latency
                                                     : config_.write_latency;
  std::int64_t start_ns = std::max({now_ns, last_completion_ns_, faults_.stall_until_ns});
  last_completion_ns_ = start_ns + model.sample(random);
  return last_completion_ns_;
}

void VirtualDisk::apply(Bytes& target, std::uint64_t offset, ByteView bytes) {
  if (target.size() < offset + bytes.size()) target.resize(offset + bytes.size(), 0);
  std::copy(bytes.begin(), bytes.end(), target.begin() + static_cast<std::ptrdiff_t>(offset));
}

std::uint64_t VirtualDisk::used_bytes() const {
  std::uint64_t used = 0;
  for (const auto& [name, file] : files_) used += file.current.size();
  return used;
}

DiskStatus VirtualDisk::write(const std::string& name, std::uint64_t offset, ByteView bytes,
                              RandomSource& random) {
  if (faults_.write_error > 0 && random.chance(faults_.write_error)) return DiskStatus::io_error;
  File& file = files_[name];
  const std::uint64_t end = offset + bytes.size();
  const std::uint64_t growth = end > file.current.size() ? end - file.current.size() : 0;
  if (growth > 0 && (faults_.full || used_bytes() + growth > config_.capacity_bytes))
    return DiskStatus::no_space;
  PendingOp op{false, offset, Bytes(bytes.begin(), bytes.end())};
  if (faults_.write_corrupt > 0 && random.chance(faults_.write_corrupt) && !op.bytes.empty()) {
    const std::uint64_t bit = random.below(op.bytes.size() * 8);
    op.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  }
  apply(file.current, offset, op.bytes);
  file.unsynced.push_back(std::move(op));
  return DiskStatus::ok;
}

DiskStatus VirtualDisk::truncate(const std::string& name, std::uint64_t size) {
  File& file = files_[name];
  file.current.resize(size, 0);
  file.unsynced.push_back(PendingOp{true, size, {}});
  return DiskStatus::ok;
}

DiskStatus VirtualDisk::fsync(const std::string& name) {
  auto it = files_.find(name);
  if (it == files_.end()) return DiskStatus::ok;
  // Replay only what changed since the last sync: copying the whole file
  // made every fsync O(file size), a fifth of a Raft run's time.
  File& file = it->second;
  for (const PendingOp& op : file.unsynced) {
    if (op.is_truncate) {
      file.durable.resize(op.offset, 0);
    } else {
      apply(file.durable, op.offset, op.bytes);
    }
  }
  file.unsynced.clear();
  return DiskStatus::ok;
}

DiskStatus VirtualDisk::read(const std::string& name, std::uint64_t offset, std::uint64_t length,
                             Bytes& out, RandomSource& random) {
  out.clear();
  if (faults_.read_error > 0 && random.chance(faults_.read_error)) return DiskStatus::io_error;
  auto it = files_.find(name);
  if (it == files_.end() || offset >= it->second.current.size()) return DiskStatus::ok;
  const Bytes& current = it->second.current;
  const std::uint64_t end = std::min<std::uint64_t>(current.size(), offset + length);
  out.assign(current.begin() + static_cast<std::ptrdiff_t>(offset),
             current.begin() + static_cast<std::ptrdiff_t>(end));
  return DiskStatus::ok;
}

void VirtualDisk::apply_torn(Bytes& target, const PendingOp& op, RandomSource& random) const {
  // Sectors are aligned to the disk, not to the write: each sector the write
  // touches independently made it or not.
  const std::uint64_t sector = config_.sector_bytes;
  const std::uint64_t end = op.offset + op.bytes.size();
  for (std::uint64_t start = op.offset - op.offset % sector; start < end; start += sector) {
    if (!random.chance(0.5)) continue;
    const std::uint64_t from = std::max(start, op.offset);
    const std::uint64_t to = std::min(start + sector, end);
    apply(target, from, ByteView(op.bytes).subspan(from - op.offset, to - from));
  }
}

void VirtualDisk::lose_everything() {
  files_.clear();
  last_completion_ns_ = 0;
}

CrashOutcome VirtualDisk::crash(RandomSource& random, bool lose_all_unsynced) {
  CrashOutcome outcome;
  for (auto& [name, file] : files_) {
    Bytes survived = file.durable;
    for (const PendingOp& op : file.unsynced) {
      if (lose_all_unsynced) {
        if (!op.is_truncate)
          outcome.writes.push_back({name, op.offset, op.bytes.size(), CrashOutcome::Fate::dropped});
        continue;
      }
      if (op.is_truncate) {
        // Metadata: lost or kept whole, never torn.
        if (random.chance(0.5)) survived.resize(op.offset, 0);
        continue;
      }
      const std::uint64_t draw = random.below(4);
      // Half are lost; a torn write needs more than one sector to tear.
      auto fate = draw < 2 ? CrashOutcome::Fate::dropped : CrashOutcome::Fate::kept;
      if (draw == 3 && op.bytes.size() > config_.sector_bytes) fate = CrashOutcome::Fate::torn;
      if (fate == CrashOutcome::Fate::kept) apply(survived, op.offset, op.bytes);
      if (fate == CrashOutcome::Fate::torn) apply_torn(survived, op, random);
      outcome.writes.push_back({name, op.offset, op.bytes.size(), fate});
    }
    file.durable = survived;
    file.current = std::move(survived);
    file.unsynced.clear();
  }
  last_completion_ns_ = 0;
  return outcome;
}

bool VirtualDisk::flip_bit(const std::string& name, RandomSource& random) {
  auto it = files_.find(name);
  if (it == files_.end() || it->second.current.empty()) return false;
  File& file = it->second;
  const std::uint64_t bit = random.below(file.current.size() * 8);
  const auto mask = static_cast<std::uint8_t>(1u << (bit % 8));
  file.current[bit / 8] ^= mask;
  if (bit / 8 < file.durable.size()) file.durable[bit / 8] ^= mask;
  return true;
}

const Bytes* VirtualDisk::contents(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second.current;
}

const Bytes* VirtualDisk::durable_contents(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second.durable;
}

std::size_t VirtualDisk::unsynced_writes() const {
  std::size_t count = 0;
  for (const auto& [name, file] : files_) count += file.unsynced.size();
  return count;
}

std::vector<std::string> VirtualDisk::files() const {
  std::vector<std::string> names;
  for (const auto& [name, file] : files_) names.push_back(name);
  return names;
}

}  // namespace simlab::sim

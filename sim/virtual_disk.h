// One node's disk: named files of bytes, after Pebble's crashable memory
// filesystem. Every write lands in the file at once (a reader sees it) but is
// durable only once a later fsync of that file completes. A crash keeps the
// durable bytes plus a seeded choice of the unsynced writes, each kept whole,
// dropped, or torn (only some of its 512-byte sectors reach the platter).
// Faults: bit flips (latent corruption, found only by a reader that checks),
// EIO on reads or writes, stalls, and a full disk (ENOSPC as a status).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/latency_model.h"
#include "systems/common/random_source.h"
#include "systems/common/types.h"

namespace simlab::sim {

struct DiskConfig {
  LatencyModel write_latency = LatencyModel::uniform(20'000, 80'000);
  LatencyModel fsync_latency = LatencyModel::uniform(200'000, 2'000'000);
  LatencyModel read_latency = LatencyModel::uniform(10'000, 50'000);
  std::uint64_t capacity_bytes = 1ull << 32;
  std::uint32_t sector_bytes = 512;
};

struct DiskFaults {
  double read_error = 0;     // probability a read fails with EIO
  double write_error = 0;    // probability a write fails with EIO (nothing written)
  double write_corrupt = 0;  // probability a write lands with one bit flipped
  std::int64_t stall_until_ns = 0;  // no operation completes before this
  bool full = false;  // ENOSPC: a write that would grow the disk fails; overwrites still land
};

// What a crash did to each unsynced write, in issue order (for tests and the trace).
struct CrashOutcome {
  enum class Fate : std::uint8_t { kept, dropped, torn };
  struct Write {
    std::string file;
    std::uint64_t offset;
    std::uint64_t length;
    Fate fate;
  };
  std::vector<Write> writes;
};

class VirtualDisk {
 public:
  explicit VirtualDisk(DiskConfig config) : config_(config) {}

  enum class OpKind : std::uint8_t { write, fsync, read, truncate };
  // When an operation issued now completes: operations on one disk complete
  // in issue order, each after its modelled latency, none during a stall.
  std::int64_t completion_ns(OpKind kind, std::int64_t now_ns, RandomSource& random);

  // Effects, applied when the operation completes.
  DiskStatus write(const std::string& file, std::uint64_t offset, ByteView bytes,
                   RandomSource& random);
  DiskStatus fsync(const std::string& file);
  DiskStatus read(const std::string& file, std::uint64_t offset, std::uint64_t length,
                  Bytes& out, RandomSource& random);
  DiskStatus truncate(const std::string& file, std::uint64_t size);

  // What survives: every synced byte, plus (unless `lose_all_unsynced`, a
  // power cut with a cold page cache, as Jepsen's LazyFS clear-cache) a
  // seeded choice of the unsynced writes.
  CrashOutcome crash(RandomSource& random, bool lose_all_unsynced = false);

  // The disk is replaced by an empty one: every file, synced or not, is
  // gone (for a process that is down: the caller crashes it first).
  void lose_everything();

  // Flips one seeded bit of `file` in both its durable and current bytes.
  // Returns false when the file is empty or missing.
  bool flip_bit(const std::string& file, RandomSource& random);

  DiskFaults& faults() { return faults_; }
  void heal() { faults_ = DiskFaults{}; }
  void set_capacity_bytes(std::uint64_t capacity_bytes) { config_.capacity_bytes = capacity_bytes; }

  // Inspection, for tests and invariant checks.
  const Bytes* contents(const std::string& file) const;
  const Bytes* durable_contents(const std::string& file) const;
  std::uint64_t used_bytes() const;
  std::size_t unsynced_writes() const;
  std::vector<std::string> files() const;

 private:
  struct PendingOp {
    bool is_truncate;
    std::uint64_t offset;  // for a truncate: the new size
    Bytes bytes;
  };
  struct File {
    Bytes current;  // what a reader sees
    Bytes durable;  // what survives a crash for sure
    std::vector<PendingOp> unsynced;
  };
  static void apply(Bytes& target, std::uint64_t offset, ByteView bytes);
  void apply_torn(Bytes& target, const PendingOp& op, RandomSource& random) const;

  DiskConfig config_;
  DiskFaults faults_;
  std::map<std::string, File> files_;  // ordered: crash choices depend on order
  std::int64_t last_completion_ns_ = 0;
};

}  // namespace simlab::sim

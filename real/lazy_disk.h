// A real node's disk: files in its data folder, with the unsynced-write
// buffer Jepsen's LazyFS gives a node. A write lands in the process's own
// image of the file at once (a read sees it) but reaches the file only when
// an fsync of that file runs: so SIGKILL loses exactly what an OS crash
// could lose, the writes not yet synced. Operations run in issue order on a
// thread of their own, so a slow or stalled disk delays only this node's
// disk operations, as in the simulator; completions come back through an
// eventfd the node's loop watches. Faults (set through the control socket):
// EIO at random, a full disk (ENOSPC for a write that grows a file), stalls.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "systems/common/types.h"

namespace simlab::real {

struct DiskRequest {
  enum class Kind : std::uint8_t { write, fsync, read, truncate };
  DiskOpId id = 0;
  Kind kind = Kind::write;
  std::string file;
  std::uint64_t offset = 0;  // write/read offset; truncate: the new size
  std::uint64_t length = 0;  // read
  Bytes bytes;               // write
};

struct DiskCompletion {
  DiskOpId id = 0;
  DiskStatus status = DiskStatus::ok;
  Bytes bytes;  // read
};

struct LazyDiskFaults {
  double read_error = 0;            // probability a read fails with EIO
  double write_error = 0;           // probability a write fails with EIO (nothing written)
  bool full = false;                // ENOSPC for a write that grows a file
  std::int64_t stall_until_ns = 0;  // CLOCK_MONOTONIC: nothing completes before
};

class LazyDisk {
 public:
  // `folder` holds the files; completions wake `notify_fd` (an eventfd).
  LazyDisk(std::string folder, int notify_fd, std::uint64_t seed);
  ~LazyDisk();
  LazyDisk(const LazyDisk&) = delete;
  LazyDisk& operator=(const LazyDisk&) = delete;

  void submit(DiskRequest request);
  std::vector<DiskCompletion> take_completions();
  void set_faults(const LazyDiskFaults& faults);
  LazyDiskFaults faults();
  // Bytes written but not synced, over every file (for tests and status).
  std::uint64_t unsynced_bytes();

 private:
  struct PendingOp {
    bool truncate = false;
    std::uint64_t offset = 0;  // truncate: the size
    Bytes bytes;
  };
  struct File {
    bool loaded = false;
    Bytes current;  // what a read sees
    std::vector<PendingOp> unsynced;
  };
  void run();
  DiskCompletion execute(const DiskRequest& request);
  File& file(const std::string& name);
  DiskStatus sync(const std::string& name, File& file);
  bool draw(double probability);

  std::string folder_;
  int notify_fd_;
  std::uint64_t random_state_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<DiskRequest> requests_;
  std::vector<DiskCompletion> completions_;
  LazyDiskFaults faults_;
  bool stopping_ = false;
  std::map<std::string, File> files_;  // the worker's alone
  std::uint64_t unsynced_bytes_ = 0;   // under mutex_
  std::thread worker_;                 // last: it starts once everything else is built
};

}  // namespace simlab::real

#include "real/lazy_disk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "real/event_loop.h"

namespace simlab::real {
namespace {

// A node names its files itself; anything that could leave the folder is
// a bug in the node, answered with EIO.
bool safe_name(const std::string& name) {
  return !name.empty() && name.find('/') == std::string::npos && name != "." && name != "..";
}

void apply(Bytes& target, std::uint64_t offset, ByteView bytes) {
  if (target.size() < offset + bytes.size()) target.resize(offset + bytes.size(), 0);
  std::copy(bytes.begin(), bytes.end(), target.begin() + static_cast<std::ptrdiff_t>(offset));
}

Bytes read_whole(const std::string& path) {
  Bytes bytes;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return bytes;
  std::uint8_t buffer[1 << 16];
  ssize_t got = 0;
  while ((got = read(fd, buffer, sizeof buffer)) > 0)
    bytes.insert(bytes.end(), buffer, buffer + got);
  close(fd);
  return bytes;
}

}  // namespace

LazyDisk::LazyDisk(std::string folder, int notify_fd, std::uint64_t seed)
    : folder_(std::move(folder)),
      notify_fd_(notify_fd),
      random_state_(seed | 1),
      worker_([this] { run(); }) {}

LazyDisk::~LazyDisk() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void LazyDisk::submit(DiskRequest request) {
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
  }
  wake_.notify_one();
}

std::vector<DiskCompletion> LazyDisk::take_completions() {
  std::lock_guard lock(mutex_);
  return std::exchange(completions_, {});
}

void LazyDisk::set_faults(const LazyDiskFaults& faults) {
  {
    std::lock_guard lock(mutex_);
    faults_ = faults;
  }
  wake_.notify_all();  // a stall may have ended
}

LazyDiskFaults LazyDisk::faults() {
  std::lock_guard lock(mutex_);
  return faults_;
}

std::uint64_t LazyDisk::unsynced_bytes() {
  std::lock_guard lock(mutex_);
  return unsynced_bytes_;
}

void LazyDisk::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !requests_.empty(); });
    if (stopping_) return;
    // A stall holds every operation until it ends (or is healed).
    while (!stopping_ && faults_.stall_until_ns > monotonic_now_ns()) {
      wake_.wait_for(lock, std::chrono::nanoseconds(faults_.stall_until_ns - monotonic_now_ns()));
    }
    if (stopping_) return;
    DiskRequest request = std::move(requests_.front());
    requests_.pop_front();
    lock.unlock();
    DiskCompletion completion = execute(request);
    lock.lock();
    completions_.push_back(std::move(completion));
    const std::uint64_t one = 1;
    if (write(notify_fd_, &one, sizeof one) < 0) {  // the loop will still find it at its next wake
    }
  }
}

bool LazyDisk::draw(double probability) {
  if (probability <= 0) return false;
  // xorshift64*: this thread's own stream; EIO faults need no replay.
  random_state_ ^= random_state_ >> 12;
  random_state_ ^= random_state_ << 25;
  random_state_ ^= random_state_ >> 27;
  const std::uint64_t value = random_state_ * 0x2545F4914F6CDD1Dull;
  return static_cast<double>(value >> 11) * 0x1.0p-53 < probability;
}

LazyDisk::File& LazyDisk::file(const std::string& name) {
  File& entry = files_[name];
  if (!entry.loaded) {
    entry.current = read_whole(folder_ + "/" + name);
    entry.loaded = true;
  }
  return entry;
}

DiskCompletion LazyDisk::execute(const DiskRequest& request) {
  DiskCompletion completion{request.id, DiskStatus::ok, {}};
  if (!safe_name(request.file)) {
    completion.status = DiskStatus::io_error;
    return completion;
  }
  const LazyDiskFaults faults = this->faults();
  File& target = file(request.file);
  switch (request.kind) {
    case DiskRequest::Kind::write: {
      if (draw(faults.write_error)) return {request.id, DiskStatus::io_error, {}};
      const bool grows = request.offset + request.bytes.size() > target.current.size();
      if (grows && faults.full) return {request.id, DiskStatus::no_space, {}};
      apply(target.current, request.offset, request.bytes);
      target.unsynced.push_back(PendingOp{false, request.offset, request.bytes});
      std::lock_guard lock(mutex_);
      unsynced_bytes_ += request.bytes.size();
      break;
    }
    case DiskRequest::Kind::truncate:
      target.current.resize(request.offset, 0);
      target.unsynced.push_back(PendingOp{true, request.offset, {}});
      break;
    case DiskRequest::Kind::read: {
      if (draw(faults.read_error)) return {request.id, DiskStatus::io_error, {}};
      if (request.offset < target.current.size()) {
        const std::uint64_t end =
            std::min<std::uint64_t>(target.current.size(), request.offset + request.length);
        completion.bytes.assign(
            target.current.begin() + static_cast<std::ptrdiff_t>(request.offset),
            target.current.begin() + static_cast<std::ptrdiff_t>(end));
      }
      break;
    }
    case DiskRequest::Kind::fsync:
      completion.status = sync(request.file, target);
      break;
  }
  return completion;
}

// The unsynced operations, in order, onto the file; then fsync(2). Only now
// does anything of them outlive the process.
DiskStatus LazyDisk::sync(const std::string& name, File& target) {
  if (target.unsynced.empty()) return DiskStatus::ok;
  const std::string path = folder_ + "/" + name;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return DiskStatus::io_error;
  DiskStatus status = DiskStatus::ok;
  std::uint64_t synced = 0;
  for (const PendingOp& op : target.unsynced) {
    if (op.truncate) {
      if (ftruncate(fd, static_cast<off_t>(op.offset)) != 0) status = DiskStatus::io_error;
      continue;
    }
    const ssize_t wrote =
        pwrite(fd, op.bytes.data(), op.bytes.size(), static_cast<off_t>(op.offset));
    if (wrote != static_cast<ssize_t>(op.bytes.size()))
      status = errno == ENOSPC ? DiskStatus::no_space : DiskStatus::io_error;
    synced += op.bytes.size();
  }
  if (fsync(fd) != 0) status = DiskStatus::io_error;
  close(fd);
  target.unsynced.clear();
  std::lock_guard lock(mutex_);
  unsynced_bytes_ -= std::min(unsynced_bytes_, synced);
  return status;
}

}  // namespace simlab::real

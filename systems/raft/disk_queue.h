// Serialises a node's disk operations: one in flight at a time, issued in the
// order asked. The contract a driver gives us says a write is durable once an
// fsync COMPLETES; keeping one op in flight makes "everything enqueued before
// this fsync" a fact we can rely on without trusting the disk to keep order.
// Writes queued behind an in-flight fsync merge into one (group commit).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "systems/common/node_context.h"

namespace simlab::raft {

class DiskQueue {
 public:
  using Done = std::function<void(NodeContext&, DiskStatus, ByteView)>;

  void write(NodeContext& context, std::string file, std::uint64_t offset, Bytes bytes,
             Done done = {});
  // Writes `bytes` at `offset` of `file` and fsyncs it, calling `done` when
  // the fsync completes. If the queue already ends with a not-yet-issued
  // write+fsync of this file ending at `offset`, the bytes join that write
  // and `done` replaces its callback (group commit: callers use increasing
  // tickets, so the later callback covers the earlier one).
  void append_and_sync(NodeContext& context, const std::string& file, std::uint64_t offset,
                       Bytes bytes, Done done);
  void fsync(NodeContext& context, std::string file, Done done = {});
  void read(NodeContext& context, std::string file, std::uint64_t length, Done done);
  void truncate(NodeContext& context, std::string file, std::uint64_t size, Done done = {});

  // True if the completion was ours (it may be one orphaned by reset()).
  bool on_disk_done(NodeContext& context, DiskOpId id, DiskStatus status, ByteView bytes);
  // Forgets every queued op; a completion still due for the op in flight is
  // swallowed and holds back the next op until it arrives.
  void reset();
  // Called instead of an op's own callback when any op fails: after a failed
  // write or fsync nothing queued behind it can be trusted (fsyncgate), so
  // the owner restarts from what the disk holds.
  void set_error_handler(std::function<void(NodeContext&, DiskStatus)> handler) {
    error_handler_ = std::move(handler);
  }
  bool idle() const { return !in_flight_ && queue_.empty(); }

 private:
  enum class Kind : std::uint8_t { write, fsync, read, truncate };
  struct Op {
    Kind kind = Kind::write;
    std::string file;
    std::uint64_t offset = 0;  // write offset, read length or truncate size
    Bytes bytes;
    Done done;
    bool delayed = false;  // a buggified fsync already issued twice
  };
  void push(NodeContext& context, Op op);
  void pump(NodeContext& context);
  std::deque<Op> queue_;
  std::optional<DiskOpId> in_flight_;
  std::optional<Op> current_;
  bool orphaned_ = false;
  std::function<void(NodeContext&, DiskStatus)> error_handler_;
};

}  // namespace simlab::raft

// What a node may do and know during one step. The driver (the simulator or
// the real-node driver) implements it; a system never learns which.
//
// Ordering duties (etcd raft's Ready contract, spelled out): effects are
// applied in the order the node asks for them, but a disk write is durable
// only once an fsync of that file has COMPLETED (on_disk_done with ok). A node
// that must "persist before it answers" waits for that completion before it
// calls send() or reply(). The driver never reorders effects of one step.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "systems/common/random_source.h"
#include "systems/common/types.h"

namespace simlab {

class NodeContext {
 public:
  virtual ~NodeContext() = default;

  virtual NodeId self() const = 0;
  // This node's own clock, in nanoseconds: it may be skewed, drift, jump
  // forward or back. Nothing else about time is visible to a node.
  virtual std::int64_t now_ns() const = 0;
  // This node's CLOCK_MONOTONIC: runs at the clock's (possibly drifting)
  // rate, from an arbitrary origin, and never jumps; it keeps running while
  // the process is paused. What timeouts and leases should be measured with.
  virtual std::int64_t monotonic_ns() const = 0;
  // This node's random stream (split from the run seed by its driver).
  virtual RandomSource& random() = 0;
  // BUGGIFY (FoundationDB): true, rarely and reproducibly, when the run has
  // buggify on; `site` is a stable name for the code path.
  virtual bool buggify(std::string_view site) = 0;

  virtual void send(NodeId to, Bytes payload) = 0;
  // One-shot timer that fires after `after_ns` of this node's clock rate
  // (a monotonic clock: a clock jump does not move it). Setting an id that is
  // pending replaces it.
  virtual void set_timer(TimerId id, std::int64_t after_ns) = 0;
  virtual void cancel_timer(TimerId id) = 0;

  // Disk: each call returns an id that a later on_disk_done names. Reads return
  // up to `length` bytes (fewer at the end of the file; a missing file reads
  // as empty).
  virtual DiskOpId disk_write(const std::string& file, std::uint64_t offset, Bytes bytes) = 0;
  virtual DiskOpId disk_fsync(const std::string& file) = 0;
  virtual DiskOpId disk_read(const std::string& file, std::uint64_t offset,
                             std::uint64_t length) = 0;
  virtual DiskOpId disk_truncate(const std::string& file, std::uint64_t size) = 0;

  // Answers a client request given to on_client. At most one reply each.
  virtual void reply(RequestId request, Bytes response) = 0;

  // A line for the run's event log (--trace and the report's excerpt).
  virtual void log(std::string_view line) = 0;
  // False when nobody keeps log lines: a node may skip formatting them.
  virtual bool log_enabled() const { return true; }
  // A record of the system's audit trail about `key` (a merge: what each
  // side had and what it chose), kept with the run whether or not anybody
  // keeps log lines; the report shows a key's records. A driver that keeps
  // no trail logs it.
  virtual void audit(std::string_view key, std::string_view entry) {
    if (log_enabled()) log("audit " + std::string(key) + ": " + std::string(entry));
  }
};

// One record of a run's audit trail, as the report shows it.
struct AuditRecord {
  std::int64_t time_ns = 0;
  NodeId node = kNoNode;
  std::string key;
  std::string entry;
};

}  // namespace simlab

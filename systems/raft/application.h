// What Raft drives: the replicated state machine above it (the KV store).
// Raft calls it synchronously during a step, so the application may reply
// to clients through the same context.
#pragma once

#include <cstdint>

#include "systems/common/node_context.h"
#include "systems/raft/entry.h"

namespace simlab::raft {

class Application {
 public:
  virtual ~Application() = default;
  // A committed command, in log order, exactly once per index per lifetime.
  virtual void apply(NodeContext& context, const Entry& entry) = 0;
  // The whole state as of the last applied entry (includes client sessions).
  virtual Bytes snapshot() const = 0;
  // Replaces the whole state; empty bytes mean the initial state. False if
  // the bytes do not decode (a snapshot is CRC-checked before this).
  virtual bool restore(ByteView snapshot) = 0;
  // A read registered with Raft::read is safe to serve (ok) or will never
  // be (leadership lost).
  virtual void read_done(NodeContext& context, std::uint64_t read_id, bool ok) = 0;
};

}  // namespace simlab::raft

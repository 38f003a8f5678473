// The client side of the KV store's protocol: finds the leader (following
// redirect hints), retries with exponential backoff, and reuses one session
// sequence number across the retries of an operation, so the store applies
// it at most once. An operation whose fate cannot be known is reported as
// such, never guessed.
#pragma once

#include <cstdint>
#include <optional>

#include "systems/kv/kv_protocol.h"
#include "workloads/client_env.h"

namespace simlab {

struct KvClientOptions {
  std::int64_t op_timeout_ns = 1000 * kNanosecondsPerMillisecond;  // whole operation
  std::int64_t call_timeout_ns = 150 * kNanosecondsPerMillisecond; // one attempt
  std::int64_t backoff_ns_min = 2 * kNanosecondsPerMillisecond;
  std::int64_t backoff_ns_max = 100 * kNanosecondsPerMillisecond;
};

enum class KvOutcome : std::uint8_t {
  ok,       // happened; response holds the result
  fail,     // definitely did not happen (cas mismatch, or every try refused)
  unknown,  // may have happened: a try timed out or lost its leader
};

struct KvResult {
  KvOutcome outcome = KvOutcome::unknown;
  kv::Response response;
};

class KvClient {
 public:
  // `client_id` must be unique in the run and nonzero (the session id).
  KvClient(ClientEnv& env, std::uint64_t client_id, KvClientOptions options);

  // Runs one operation to a definite or unknown end. Fills in client_id and
  // a fresh sequence number for commands.
  KvResult perform(kv::Request request);
  std::uint64_t client_id() const { return client_id_; }

 private:
  NodeId pick_target();
  void back_off(int attempt);
  ClientEnv& env_;
  std::uint64_t client_id_;
  std::uint64_t sequence_ = 0;
  KvClientOptions options_;
  NodeId leader_ = kv::kNoLeader;  // last known leader
};

}  // namespace simlab

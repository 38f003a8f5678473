// The commit log's tunables: the "log" group of a scenario's
// system_options (the controller's Raft reads the "raft" group).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "systems/common/types.h"
#include "systems/raft/options.h"

namespace simlab::commitlog {

enum class FsyncPolicy : std::uint8_t {
  every_batch,  // fsync after each append
  interval,     // fsync every fsync_interval_ns (group commit)
};

struct LogOptions {
  std::uint32_t partitions = 3;
  std::uint32_t replication_factor = 3;  // at most the cluster size
  std::uint32_t min_insync = 2;          // acks=all refuses writes below it
  FsyncPolicy fsync = FsyncPolicy::every_batch;
  std::int64_t fsync_interval_ns = 20 * kNanosecondsPerMillisecond;
  std::int64_t tick_ns = 10 * kNanosecondsPerMillisecond;  // the broker's periodic work
  std::int64_t fetch_interval_ns = 10 * kNanosecondsPerMillisecond;
  // A follower that has not caught up to the leader's log end for this long
  // leaves the ISR (Kafka's replica.lag.time.max.ms).
  std::int64_t replica_lag_ns = 300 * kNanosecondsPerMillisecond;
  std::int64_t heartbeat_ns = 50 * kNanosecondsPerMillisecond;
  // The controller fences a broker it has not heard from for this long
  // (Kafka's broker.session.timeout.ms).
  std::int64_t session_timeout_ns = 500 * kNanosecondsPerMillisecond;
  std::uint32_t records_per_fetch = 64;
  // The group coordinator drops a consumer-group member it has not heard
  // from for this long and rebalances (Kafka's session.timeout.ms).
  std::int64_t group_session_timeout_ns = 1500 * kNanosecondsPerMillisecond;
  // A transaction its producer has not spoken about for this long is
  // aborted by its coordinator (Kafka's transaction.timeout.ms).
  std::int64_t txn_timeout_ns = 2000 * kNanosecondsPerMillisecond;
  // How long a coordinator waits for a marker's ack before it sends it again.
  std::int64_t txn_marker_retry_ns = 100 * kNanosecondsPerMillisecond;
  raft::Options raft;  // the controller's
};

// Parses {"log": {...}, "raft": {...}}: unknown groups and keys are errors
// naming the field. Returns an error message, or empty on success.
std::string parse_log_options(std::string_view json_text, LogOptions& options);

}  // namespace simlab::commitlog

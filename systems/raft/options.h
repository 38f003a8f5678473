// Raft's tunables. Time is counted in ticks of one periodic timer, as in
// etcd: a tick is a monotonic-rate timer, so a clock jump cannot move an
// election or a lease; only the clock RATE (drift) matters, and lease reads
// state the drift they tolerate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "systems/common/types.h"

namespace simlab::raft {

struct Options {
  std::int64_t tick_ns = 10 * kNanosecondsPerMillisecond;
  std::int64_t heartbeat_ticks = 2;
  // Followers wait a random [election_ticks, 2 * election_ticks) without a
  // leader before campaigning (§5.2).
  std::int64_t election_ticks = 10;
  bool pre_vote = true;      // thesis §9.6
  bool check_quorum = true;  // thesis §6.2: a leader without a quorum steps down
  // Lease reads (thesis §6.4.1): serve reads without a quorum round while a
  // lease holds. Safe only if every node's clock RATE is within
  // clock_drift_max of real time; a lease must agree with both ticks and the
  // monotonic clock, so a pause shortens it and a clock jump does not move it.
  bool lease_reads = false;
  double clock_drift_max = 0.05;
  // Take a snapshot once this many applied entries follow the last one.
  std::uint64_t snapshot_entries = 1000;
  std::uint64_t entries_per_message = 64;
  std::uint64_t inflight_appends = 8;

  // Ticks a lease lasts after the quorum round that granted it: followers
  // refuse votes for election_ticks after hearing from the leader, measured
  // on their clocks; the leader's clock may run (1 + d) / (1 - d) fast
  // relative to theirs, and one tick is lost to tick granularity.
  std::int64_t lease_ticks() const {
    const double rate_ratio = (1.0 - clock_drift_max) / (1.0 + clock_drift_max);
    return static_cast<std::int64_t>(static_cast<double>(election_ticks) * rate_ratio) - 1;
  }
};

// Parses the "raft" object of a system's options JSON, e.g.
// {"raft": {"election_ticks": 20, "lease_reads": true}}. Unknown keys are
// errors so a typo in a scenario does not silently test the defaults.
// Returns an error message, or empty on success.
std::string parse_options(std::string_view json_text, Options& options);
std::string validate_options(const Options& options);

}  // namespace simlab::raft

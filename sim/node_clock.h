// One node's clock. Nodes never see true (simulation) time: each reads its own
// clock, which may be offset, drift at some parts per million, jump forward
// or back, or strobe (flip between two offsets every period, as Jepsen's
// clock nemesis does). Timers run at the clock's rate but ignore jumps, like
// CLOCK_MONOTONIC, so a jump moves what a node reads and not when it wakes.
// The monotonic reading is that clock: it runs at the drifted rate and
// ignores jumps and strobe; it never goes backwards.
#pragma once

#include <cstdint>

namespace simlab::sim {

class NodeClock {
 public:
  // The node's reading at true time `true_ns`.
  std::int64_t local_ns(std::int64_t true_ns) const;

  // The node's CLOCK_MONOTONIC at true time `true_ns` (non-decreasing in it).
  std::int64_t monotonic_ns(std::int64_t true_ns) const;

  // A duration on this clock, converted to true time (drift stretches it).
  std::int64_t true_duration_ns(std::int64_t local_duration_ns) const;

  // Faults. Each takes effect from `true_ns` on.
  void jump(std::int64_t true_ns, std::int64_t delta_ns);
  void set_drift(std::int64_t true_ns, std::int64_t drift_ppm);
  void start_strobe(std::int64_t delta_ns, std::int64_t period_ns);
  void stop_strobe() { strobe_period_ns_ = 0; }
  // Back to true time: offset, drift and strobe gone.
  void reset(std::int64_t true_ns);

  std::int64_t drift_ppm() const { return drift_ppm_; }
  std::int64_t offset_ns(std::int64_t true_ns) const { return local_ns(true_ns) - true_ns; }

 private:
  void rebase(std::int64_t true_ns);  // so drift changes apply from now on

  std::int64_t base_true_ns_ = 0;
  std::int64_t base_local_ns_ = 0;
  std::int64_t monotonic_base_true_ns_ = 0;
  std::int64_t monotonic_base_ns_ = 0;
  std::int64_t drift_ppm_ = 0;
  std::int64_t strobe_delta_ns_ = 0;
  std::int64_t strobe_period_ns_ = 0;
};

}  // namespace simlab::sim

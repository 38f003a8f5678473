// A real node's clock: CLOCK_REALTIME and CLOCK_MONOTONIC plus what the
// nemesis sets over the control socket (a jump, a drift, a strobe), with
// the semantics of the simulator's NodeClock. The node sees only now_ns()
// and monotonic_ns(); its timers run at the clock's rate.
#pragma once

#include <cstdint>

namespace simlab::real {

class InjectedClock {
 public:
  InjectedClock();
  // The node's wall clock: real time, drifted since the rate changed, plus
  // every jump and the strobe's current offset.
  std::int64_t now_ns() const;
  // Monotonic: runs at the (drifting) rate, never jumps.
  std::int64_t monotonic_ns() const;
  // How long `local_ns` of this clock lasts in real time (for timers).
  std::int64_t real_duration_ns(std::int64_t local_ns) const;

  void jump(std::int64_t delta_ns);
  void set_drift_ppm(std::int64_t ppm);
  // Every period, the wall clock flips between its time and time + amount.
  void start_strobe(std::int64_t amount_ns, std::int64_t period_ns);
  // The wall clock back to real time at rate 1; monotonic goes on from
  // where it was.
  void reset();

 private:
  std::int64_t strobe_offset_ns(std::int64_t real_ns) const;
  // Each clock is base + (real - base_real) * rate since its last change.
  std::int64_t wall_base_ns_;
  std::int64_t wall_base_real_ns_;
  std::int64_t monotonic_base_ns_;
  std::int64_t monotonic_base_real_ns_;
  std::int64_t drift_ppm_ = 0;
  std::int64_t strobe_amount_ns_ = 0;
  std::int64_t strobe_period_ns_ = 0;
  std::int64_t strobe_start_ns_ = 0;
};

}  // namespace simlab::real

#include "sim/node_clock.h"

namespace simlab::sim {

namespace {

// elapsed * (1 + drift) in 128 bits: a day of nanoseconds times 500 ppm
// would overflow 64.
std::int64_t drifted_ns(std::int64_t elapsed_ns, std::int64_t drift_ppm) {
  return elapsed_ns +
         static_cast<std::int64_t>(static_cast<__int128>(elapsed_ns) * drift_ppm / 1'000'000);
}

}  // namespace

std::int64_t NodeClock::local_ns(std::int64_t true_ns) const {
  std::int64_t local = base_local_ns_ + drifted_ns(true_ns - base_true_ns_, drift_ppm_);
  if (strobe_period_ns_ > 0 && (true_ns / strobe_period_ns_) % 2 == 1) {
    local += strobe_delta_ns_;
  }
  return local;
}

std::int64_t NodeClock::monotonic_ns(std::int64_t true_ns) const {
  return monotonic_base_ns_ + drifted_ns(true_ns - monotonic_base_true_ns_, drift_ppm_);
}

std::int64_t NodeClock::true_duration_ns(std::int64_t local_duration_ns) const {
  if (drift_ppm_ == 0) return local_duration_ns;
  const auto scaled = static_cast<std::int64_t>(static_cast<__int128>(local_duration_ns) *
                                                1'000'000 / (1'000'000 + drift_ppm_));
  return scaled < 0 ? 0 : scaled;
}

void NodeClock::rebase(std::int64_t true_ns) {
  monotonic_base_ns_ = monotonic_ns(true_ns);
  monotonic_base_true_ns_ = true_ns;
  const std::int64_t strobe_now = strobe_period_ns_;
  strobe_period_ns_ = 0;  // the base holds the steady part only
  base_local_ns_ = local_ns(true_ns);
  base_true_ns_ = true_ns;
  strobe_period_ns_ = strobe_now;
}

void NodeClock::jump(std::int64_t true_ns, std::int64_t delta_ns) {
  rebase(true_ns);
  base_local_ns_ += delta_ns;
}

void NodeClock::set_drift(std::int64_t true_ns, std::int64_t drift_ppm) {
  rebase(true_ns);
  drift_ppm_ = drift_ppm;
}

void NodeClock::start_strobe(std::int64_t delta_ns, std::int64_t period_ns) {
  strobe_delta_ns_ = delta_ns;
  strobe_period_ns_ = period_ns > 0 ? period_ns : 1;
}

void NodeClock::reset(std::int64_t true_ns) {
  monotonic_base_ns_ = monotonic_ns(true_ns);  // it goes on from where it was
  monotonic_base_true_ns_ = true_ns;
  base_true_ns_ = true_ns;
  base_local_ns_ = true_ns;
  drift_ppm_ = 0;
  strobe_period_ns_ = 0;
}

}  // namespace simlab::sim

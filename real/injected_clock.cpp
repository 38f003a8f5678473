#include "real/injected_clock.h"

#include <time.h>

#include <algorithm>

#include "real/event_loop.h"

namespace simlab::real {
namespace {

std::int64_t realtime_now_ns() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// elapsed * (1e6 + ppm) / 1e6, without overflow.
std::int64_t drifted(std::int64_t elapsed_ns, std::int64_t ppm) {
  return static_cast<std::int64_t>(static_cast<__int128>(elapsed_ns) * (1'000'000 + ppm) /
                                   1'000'000);
}

}  // namespace

InjectedClock::InjectedClock()
    : wall_base_ns_(realtime_now_ns()),
      wall_base_real_ns_(monotonic_now_ns()),
      monotonic_base_ns_(monotonic_now_ns()),
      monotonic_base_real_ns_(monotonic_base_ns_) {}

std::int64_t InjectedClock::strobe_offset_ns(std::int64_t real_ns) const {
  if (strobe_period_ns_ <= 0) return 0;
  return ((real_ns - strobe_start_ns_) / strobe_period_ns_) % 2 == 1 ? strobe_amount_ns_ : 0;
}

std::int64_t InjectedClock::now_ns() const {
  const std::int64_t real = monotonic_now_ns();
  return wall_base_ns_ + drifted(real - wall_base_real_ns_, drift_ppm_) + strobe_offset_ns(real);
}

std::int64_t InjectedClock::monotonic_ns() const {
  return monotonic_base_ns_ + drifted(monotonic_now_ns() - monotonic_base_real_ns_, drift_ppm_);
}

std::int64_t InjectedClock::real_duration_ns(std::int64_t local_ns) const {
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(static_cast<__int128>(local_ns) *
                                                             1'000'000 / (1'000'000 + drift_ppm_)));
}

void InjectedClock::jump(std::int64_t delta_ns) { wall_base_ns_ += delta_ns; }

void InjectedClock::set_drift_ppm(std::int64_t ppm) {
  const std::int64_t real = monotonic_now_ns();
  wall_base_ns_ += drifted(real - wall_base_real_ns_, drift_ppm_);
  wall_base_real_ns_ = real;
  monotonic_base_ns_ += drifted(real - monotonic_base_real_ns_, drift_ppm_);
  monotonic_base_real_ns_ = real;
  drift_ppm_ = std::clamp<std::int64_t>(ppm, -500'000, 500'000);
}

void InjectedClock::start_strobe(std::int64_t amount_ns, std::int64_t period_ns) {
  strobe_amount_ns_ = amount_ns;
  strobe_period_ns_ = period_ns;
  strobe_start_ns_ = monotonic_now_ns();
}

void InjectedClock::reset() {
  set_drift_ppm(0);
  wall_base_ns_ = realtime_now_ns();
  wall_base_real_ns_ = monotonic_now_ns();
  strobe_period_ns_ = 0;
}

}  // namespace simlab::real

// Logarithms and powers for the schedule's random draws, in integer
// arithmetic only. std::log and std::pow differ in their last bits across
// libm versions (glibc changed its log in 2.28, musl and macOS differ
// again), and one ulp is enough to move a latency by a nanosecond and part
// two runs of one seed; shifts, adds and 128-bit multiplies are the same on
// every platform, so a seed found on one machine replays on another.
#pragma once

#include <cstdint>

namespace simlab::sim {

// Fixed point with 40 fractional bits: a value v stands for v / 2^40.
inline constexpr int kFractionBits = 40;
inline constexpr std::uint64_t kOne = std::uint64_t{1} << kFractionBits;

// -log2(u) for u = (draw + 1) / 2^64, uniform in (0, 1] when `draw` is a
// uniform 64-bit draw: in [0, 64], as fixed point. Exact to 2^-40.
std::uint64_t negative_log2_fixed(std::uint64_t draw);

// 2^y for y >= 0 in fixed point, as fixed point; saturates at 2^63 - 1
// when the result does not fit.
std::uint64_t exp2_fixed(std::uint64_t y_fixed);

// -ln(u) (an exponential variate with mean 1) times `mean`, rounded down:
// the inverse-transform draw, with `draw` uniform 64-bit.
std::int64_t exponential_draw(std::uint64_t draw, std::int64_t mean);

// scale / u^(1/shape) (a Pareto variate), capped at `cap`; `shape_fixed`
// is alpha in fixed point (alpha > 0).
std::int64_t pareto_draw(std::uint64_t draw, std::int64_t scale, std::uint64_t shape_fixed,
                         std::int64_t cap);

// A positive double in fixed point (round to nearest): a cast, the same
// everywhere under IEEE 754.
std::uint64_t to_fixed(double value);

}  // namespace simlab::sim

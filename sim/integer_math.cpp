#include "sim/integer_math.h"

#include <array>
#include <bit>

namespace simlab::sim {
namespace {

using u128 = unsigned __int128;

// ln 2 in fixed point (0.693147180559945309417232121458... * 2^40).
constexpr std::uint64_t kLn2Fixed = 762'123'384'786ull;

// Integer square root of a 128-bit value (Newton's method from above).
u128 isqrt(u128 value) {
  if (value < 2) return value;
  const auto high = static_cast<std::uint64_t>(value >> 64);
  const int bits = high ? 128 - std::countl_zero(high)
                        : 64 - std::countl_zero(static_cast<std::uint64_t>(value));
  u128 guess = u128{1} << ((bits + 1) / 2);  // at least the root
  while (true) {
    const u128 next = (guess + value / guess) / 2;
    if (next >= guess) return guess;
    guess = next;
  }
}

// 2^(2^-i) in Q62 for i = 1..40, by repeated square roots of 2: each is
// exact to the last bit kept, with no libm involved.
const std::array<std::uint64_t, kFractionBits + 1>& root_table() {
  static const auto table = [] {
    std::array<std::uint64_t, kFractionBits + 1> roots{};
    u128 value = u128{2} << 62;  // 2 in Q62
    roots[0] = static_cast<std::uint64_t>(value);
    for (int i = 1; i <= kFractionBits; ++i) {
      value = isqrt(value << 62);  // sqrt(v / 2^62) * 2^62
      roots[i] = static_cast<std::uint64_t>(value);
    }
    return roots;
  }();
  return table;
}

}  // namespace

std::uint64_t negative_log2_fixed(std::uint64_t draw) {
  // log2(draw + 1) = e + log2(m), m in [1, 2), by repeated squaring of m:
  // each squaring doubles the logarithm, and the bit that overflows past 2
  // is the next binary digit (the classic shift-and-square method).
  const u128 x = u128{draw} + 1;  // in [1, 2^64]
  const int exponent = x >> 64 ? 64 : 63 - std::countl_zero(static_cast<std::uint64_t>(x));
  u128 mantissa = exponent >= 62 ? x >> (exponent - 62) : x << (62 - exponent);  // Q62
  std::uint64_t fraction = 0;
  for (int bit = kFractionBits - 1; bit >= 0; --bit) {
    mantissa = (mantissa * mantissa) >> 62;
    if (mantissa >= (u128{2} << 62)) {
      mantissa >>= 1;
      fraction |= std::uint64_t{1} << bit;
    }
  }
  const std::uint64_t log2_fixed =
      (static_cast<std::uint64_t>(exponent) << kFractionBits) | fraction;
  return (std::uint64_t{64} << kFractionBits) - log2_fixed;
}

std::uint64_t exp2_fixed(std::uint64_t y_fixed) {
  const std::uint64_t whole = y_fixed >> kFractionBits;
  if (whole >= 63 - kFractionBits) return INT64_MAX;
  // 2^frac as the product of 2^(2^-i) over the fraction's set bits, in Q62.
  const auto& roots = root_table();
  u128 product = u128{1} << 62;
  for (int i = 1; i <= kFractionBits; ++i) {
    if (y_fixed & (std::uint64_t{1} << (kFractionBits - i))) product = (product * roots[i]) >> 62;
  }
  const u128 result = (product << whole) >> (62 - kFractionBits);
  return result > INT64_MAX ? INT64_MAX : static_cast<std::uint64_t>(result);
}

std::int64_t exponential_draw(std::uint64_t draw, std::int64_t mean) {
  if (mean <= 0) return 0;
  const u128 ln_fixed = (u128{negative_log2_fixed(draw)} * kLn2Fixed) >> kFractionBits;
  const u128 value = (ln_fixed * static_cast<u128>(mean)) >> kFractionBits;
  return value > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(value);
}

std::int64_t pareto_draw(std::uint64_t draw, std::int64_t scale, std::uint64_t shape_fixed,
                         std::int64_t cap) {
  if (shape_fixed == 0 || scale <= 0) return cap;
  // u^(-1/alpha) = 2^(-log2(u) / alpha).
  const u128 exponent = (u128{negative_log2_fixed(draw)} << kFractionBits) / shape_fixed;
  if (exponent >> 64) return cap;
  const u128 factor = exp2_fixed(static_cast<std::uint64_t>(exponent));  // fixed point
  const u128 value = (factor * static_cast<u128>(scale)) >> kFractionBits;
  return value >= static_cast<u128>(cap) ? cap : static_cast<std::int64_t>(value);
}

std::uint64_t to_fixed(double value) {
  if (!(value > 0)) return 0;
  return static_cast<std::uint64_t>(value * static_cast<double>(kOne) + 0.5);
}

}  // namespace simlab::sim

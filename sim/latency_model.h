// A one-way latency distribution for a link or a disk operation.
#pragma once

#include <cstdint>
#include <string>

#include "systems/common/random_source.h"

namespace simlab::sim {

struct LatencyModel {
  enum class Kind : std::uint8_t {
    constant,     // always min_ns
    uniform,      // uniform in [min_ns, max_ns]
    exponential,  // min_ns + exponential with mean mean_ns
    pareto,       // long tail: min_ns * Pareto(shape), capped at max_ns
  };
  Kind kind = Kind::constant;
  std::int64_t min_ns = 0;
  std::int64_t max_ns = 0;
  std::int64_t mean_ns = 0;
  double shape = 1.5;  // Pareto's alpha: smaller is a longer tail

  static LatencyModel constant(std::int64_t ns) { return {Kind::constant, ns, ns, ns, 1.5}; }
  static LatencyModel uniform(std::int64_t low_ns, std::int64_t high_ns) {
    return {Kind::uniform, low_ns, high_ns, (low_ns + high_ns) / 2, 1.5};
  }
  static LatencyModel exponential(std::int64_t floor_ns, std::int64_t mean_ns) {
    return {Kind::exponential, floor_ns, floor_ns + 50 * mean_ns, mean_ns, 1.5};
  }
  static LatencyModel pareto(std::int64_t scale_ns, double shape, std::int64_t cap_ns) {
    return {Kind::pareto, scale_ns, cap_ns, scale_ns, shape};
  }

  std::int64_t sample(RandomSource& random) const;
  std::string describe() const;
};

}  // namespace simlab::sim

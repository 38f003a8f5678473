// One of a fixed set of choices, drawn from a node's or a swarm's random
// stream (the swarm-option choosers draw their knobs this way).
#pragma once

#include <array>
#include <cstddef>

#include "systems/common/random_source.h"

namespace simlab {

template <typename T, std::size_t N>
T pick(const std::array<T, N>& choices, RandomSource& random) {
  static_assert(N > 0);
  return choices[random.below(N)];
}

}  // namespace simlab

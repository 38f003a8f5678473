// The randomness a node is given. A system never owns a generator of its own:
// its draws come from the stream its driver split off the run seed, so a run
// replays exactly.
#pragma once

#include <cstdint>

namespace simlab {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual std::uint64_t next_u64() = 0;

  // Uniform in [0, bound). REQUIRES: bound > 0. Lemire's multiply-shift
  // (biased by at most bound/2^64, far below anything a test can see).
  std::uint64_t below(std::uint64_t bound) {
    return static_cast<std::uint64_t>(
        (static_cast<unsigned __int128>(next_u64()) * bound) >> 64);
  }
  // Uniform in [low, high]. REQUIRES: low <= high.
  std::int64_t between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(high - low) + 1));
  }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  bool chance(double probability) { return unit() < probability; }
};

}  // namespace simlab

// The run's randomness: xoshiro256** (Blackman and Vigna, "Scrambled linear
// pseudorandom number generators", 2018) seeded through SplitMix64, split into
// independent streams by stable names. A component draws only from its own
// stream, so adding a fault kind never reshuffles the workload's draws.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/hash.h"
#include "systems/common/random_source.h"

namespace simlab::sim {

class Prng final : public RandomSource {
 public:
  explicit Prng(std::uint64_t seed) : seed_(seed) {
    std::uint64_t state = seed;
    for (auto& word : state_) {
      state = state + 0x9E3779B97F4A7C15ull;
      word = mix64(state);
    }
  }

  // A new, independent stream named `name`: depends only on this stream's
  // seed and the name, never on how many draws were made before.
  Prng split(std::string_view name) const { return Prng(fold64(seed_, name_hash64(name))); }
  Prng split(std::string_view name, std::uint64_t index) const {
    return Prng(fold64(fold64(seed_, name_hash64(name)), index));
  }

  // A stream for one keyed event (sim/keyed_draws.h): depends only on this
  // stream's seed and the key.
  Prng derive(std::uint64_t key) const { return Prng(fold64(seed_, key)); }

  std::uint64_t next_u64() override {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  std::uint64_t seed() const { return seed_; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t seed_;
  std::array<std::uint64_t, 4> state_{};
};

}  // namespace simlab::sim

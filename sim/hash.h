// Hashing for seeds, stream names and the trace hash. Stable across builds,
// platforms and runs: a trace hash written today must match one tomorrow.
#pragma once

#include <cstdint>
#include <string_view>

#include "systems/common/types.h"

namespace simlab::sim {

// SplitMix64's finalizer (Steele, Lea, Flood, "Fast splittable pseudorandom
// number generators", OOPSLA 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t value) {
  value += 0x9E3779B97F4A7C15ull;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ull;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBull;
  return value ^ (value >> 31);
}

// Folds `value` into a running hash; order matters, as it must for a trace.
constexpr std::uint64_t fold64(std::uint64_t hash, std::uint64_t value) {
  return mix64(hash ^ mix64(value));
}

// FNV-1a over a name: stable, and good enough to pick a stream.
constexpr std::uint64_t name_hash64(std::string_view name) {
  std::uint64_t hash = 0xCBF29CE484222325ull;
  for (char c : name) {
    hash = (hash ^ static_cast<std::uint8_t>(c)) * 0x100000001B3ull;
  }
  return hash;
}

// Hash of a byte payload, eight bytes at a time.
std::uint64_t bytes_hash64(ByteView bytes);

}  // namespace simlab::sim

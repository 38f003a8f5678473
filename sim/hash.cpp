#include "sim/hash.h"

#include <cstring>

namespace simlab::sim {

std::uint64_t bytes_hash64(ByteView bytes) {
  std::uint64_t hash = mix64(bytes.size());
  std::size_t offset = 0;
  for (; offset + 8 <= bytes.size(); offset += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + offset, 8);  // little-endian hosts only (x86_64, arm64)
    hash = fold64(hash, word);
  }
  std::uint64_t tail = 0;
  for (std::size_t shift = 0; offset < bytes.size(); ++offset, shift += 8) {
    tail |= static_cast<std::uint64_t>(bytes[offset]) << shift;
  }
  return fold64(hash, tail);
}

}  // namespace simlab::sim

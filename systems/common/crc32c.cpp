#include "systems/common/crc32c.h"

#include <array>

namespace simlab {
namespace {

constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    table[byte] = crc;
  }
  return table;
}

constexpr auto kTable = make_table();

}  // namespace

std::uint32_t crc32c(ByteView bytes, std::uint32_t seed) {
  std::uint32_t crc = ~seed;
  for (std::uint8_t byte : bytes) {
    crc = kTable[(crc ^ byte) & 0xFFu] ^ (crc >> 8);
  }
  return ~crc;
}

}  // namespace simlab

namespace simlab {

void append_crc32c(Bytes& bytes) {
  const std::uint32_t crc = crc32c(bytes);
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
}

std::optional<ByteView> verify_crc32c_trailer(ByteView bytes) {
  if (bytes.size() < 4) return std::nullopt;
  const ByteView payload = bytes.first(bytes.size() - 4);
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= static_cast<std::uint32_t>(bytes[payload.size() + i]) << (8 * i);
  if (crc32c(payload) != stored) return std::nullopt;
  return payload;
}

}  // namespace simlab

#include "systems/common/crc32c.h"

#include <gtest/gtest.h>

#include <string_view>

namespace simlab {
namespace {

ByteView view(std::string_view text) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

TEST(Crc32c, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32c(view("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c(view("")), 0u);
}

TEST(Crc32c, ChainsLikeOneCall) {
  const std::uint32_t first = crc32c(view("12345"));
  EXPECT_EQ(crc32c(view("6789"), first), 0xE3069283u);
}

TEST(Crc32c, TheInstructionAndTheTablesAgree) {
  Bytes bytes;
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (std::size_t length = 0; length < 300; ++length) {
    EXPECT_EQ(crc32c(bytes, static_cast<std::uint32_t>(length)),
              crc32c_portable(bytes, static_cast<std::uint32_t>(length)))
        << length;
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    bytes.push_back(static_cast<std::uint8_t>(state >> 56));
  }
  EXPECT_EQ(crc32c_portable(view("123456789")), 0xE3069283u);
}

TEST(Crc32c, NoticesASingleBitFlip) {
  std::string text = "a record on disk";
  const std::uint32_t before = crc32c(view(text));
  text[3] ^= 0x10;
  EXPECT_NE(crc32c(view(text)), before);
}

}  // namespace
}  // namespace simlab

namespace simlab {
namespace {

TEST(Crc32cTrailer, RoundTripsAndRejectsDamage) {
  Bytes bytes{1, 2, 3, 4, 5};
  append_crc32c(bytes);
  ASSERT_EQ(bytes.size(), 9u);
  auto payload = verify_crc32c_trailer(bytes);
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(Bytes(payload->begin(), payload->end()), (Bytes{1, 2, 3, 4, 5}));
  bytes[2] ^= 1;
  EXPECT_FALSE(verify_crc32c_trailer(bytes).has_value());
  EXPECT_FALSE(verify_crc32c_trailer(Bytes{1, 2}).has_value());
}

}  // namespace
}  // namespace simlab

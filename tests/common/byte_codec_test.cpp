#include "systems/common/byte_codec.h"

#include <gtest/gtest.h>

namespace simlab {
namespace {

TEST(ByteCodec, RoundTripsEveryFieldKind) {
  ByteWriter writer;
  writer.u8(7);
  writer.u32(0xDEADBEEF);
  writer.u64(1ull << 60);
  writer.i64(-42);
  writer.str("key");
  writer.blob(Bytes{1, 2, 3});
  const Bytes bytes = writer.take();

  ByteReader reader(bytes);
  EXPECT_EQ(reader.u8(), 7);
  EXPECT_EQ(reader.u32(), 0xDEADBEEFu);
  EXPECT_EQ(reader.u64(), 1ull << 60);
  EXPECT_EQ(reader.i64(), -42);
  EXPECT_EQ(reader.str(), "key");
  EXPECT_EQ(reader.blob(), (Bytes{1, 2, 3}));
  EXPECT_TRUE(reader.ok());
  EXPECT_TRUE(reader.at_end());
}

TEST(ByteCodec, TruncatedInputIsNotOkAndNeverReadsPastTheEnd) {
  ByteWriter writer;
  writer.str("a longer string");
  Bytes bytes = writer.take();
  bytes.resize(bytes.size() - 3);
  ByteReader reader(bytes);
  EXPECT_EQ(reader.str(), "");
  EXPECT_FALSE(reader.ok());
  EXPECT_EQ(reader.u64(), 0u);
  EXPECT_FALSE(reader.ok());
}

TEST(ByteCodec, AHugeLengthPrefixIsRejected) {
  ByteWriter writer;
  writer.u32(0xFFFFFFFF);
  const Bytes bytes = writer.take();
  ByteReader reader(bytes);
  EXPECT_TRUE(reader.blob().empty());
  EXPECT_FALSE(reader.ok());
}

}  // namespace
}  // namespace simlab

// The WAL's record format: one CRC per record over length and payload;
// recovery tells a torn tail (truncate) from corruption inside the log
// (report and repair), and the hard-state slots survive one bad copy.
#include <gtest/gtest.h>

#include "systems/raft/message.h"
#include "systems/raft/wal_codec.h"

namespace simlab::raft {
namespace {

Entry entry(Index index, Term term, std::string data) {
  return Entry{index, term, EntryType::command, Bytes(data.begin(), data.end())};
}

Bytes three_records() {
  return entry_records({entry(1, 1, "a"), entry(2, 1, "bb"), entry(3, 2, "ccc")});
}

TEST(WalCodec, RoundTripsEntries) {
  const Bytes file = three_records();
  const WalScan scan = scan_wal(file);
  ASSERT_EQ(scan.entries.size(), 3u);
  EXPECT_EQ(scan.entries[2], entry(3, 2, "ccc"));
  EXPECT_EQ(scan.valid_bytes, file.size());
  EXPECT_FALSE(scan.torn_tail);
  EXPECT_FALSE(scan.corrupt);
}

TEST(WalCodec, EveryFlippedByteIsCaught) {
  const Bytes record = entry_record(entry(7, 3, "payload"));
  for (std::size_t i = 0; i < record.size(); ++i) {
    Bytes damaged = record;
    damaged[i] ^= 0x01;
    EXPECT_FALSE(parse_record(damaged, 0, 1024).has_value()) << "byte " << i;
  }
}

TEST(WalCodec, TornTailIsTruncatedNotReported) {
  const Bytes file = three_records();
  for (std::size_t cut = 1; cut < entry_record(entry(3, 2, "ccc")).size(); ++cut) {
    const Bytes torn(file.begin(), file.end() - static_cast<std::ptrdiff_t>(cut));
    const WalScan scan = scan_wal(torn);
    EXPECT_EQ(scan.entries.size(), 2u);
    EXPECT_TRUE(scan.torn_tail);
    EXPECT_FALSE(scan.corrupt);
  }
}

TEST(WalCodec, AFlippedBitInTheCompleteLastRecordIsDamageNotATornTail) {
  Bytes file = three_records();
  file[file.size() - 2] ^= 0x01;  // inside the last record's payload
  const WalScan scan = scan_wal(file);
  EXPECT_EQ(scan.entries.size(), 2u);
  EXPECT_TRUE(scan.complete_tail_damaged);
  Bytes torn = three_records();
  torn.resize(torn.size() - 3);  // a short last record: torn
  EXPECT_FALSE(scan_wal(torn).complete_tail_damaged);
}

TEST(WalCodec, ZeroFilledTailIsTorn) {
  Bytes file = three_records();
  file.resize(file.size() + 100, 0);
  const WalScan scan = scan_wal(file);
  EXPECT_EQ(scan.entries.size(), 3u);
  EXPECT_TRUE(scan.torn_tail);
}

TEST(WalCodec, CorruptionBeforeValidRecordsIsReported) {
  Bytes file = three_records();
  const std::size_t first = entry_record(entry(1, 1, "a")).size();
  for (std::size_t offset = first; offset < first + 10; ++offset) {
    Bytes damaged = file;
    damaged[offset] ^= 0x80;  // inside record 2: header or payload
    const WalScan scan = scan_wal(damaged);
    EXPECT_EQ(scan.entries.size(), 1u);
    EXPECT_TRUE(scan.corrupt) << "offset " << offset;
    EXPECT_FALSE(scan.torn_tail);
    EXPECT_EQ(scan.index_after_corruption_max, 3u);
    EXPECT_EQ(scan.valid_bytes, first);
  }
}

TEST(WalCodec, HardStateSlots) {
  const HardState state{9, 2};
  const Bytes record = hard_state_record(state);
  ASSERT_LE(record.size(), kHardStateSlotBytes);
  EXPECT_EQ(parse_hard_state(record, 0), state);
  Bytes damaged = record;
  damaged.back() ^= 0x10;
  EXPECT_FALSE(parse_hard_state(damaged, 0).has_value());
}

TEST(MessageCodec, RoundTripsAndRejectsCorruption) {
  Message message;
  message.type = MessageType::snapshot;
  message.term = 4;
  message.entries = {entry(5, 4, "x")};
  message.snapshot.index = 4;
  message.snapshot.config.voters = {1, 2, 3};
  message.snapshot_data = {1, 2, 3};
  const Bytes bytes = encode_message(message);
  const auto decoded = decode_message(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->entries, message.entries);
  EXPECT_EQ(decoded->snapshot.config, message.snapshot.config);
  EXPECT_EQ(decoded->snapshot_data, message.snapshot_data);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    Bytes damaged = bytes;
    damaged[i] ^= 0x04;
    EXPECT_FALSE(decode_message(damaged).has_value()) << "byte " << i;
  }
}

}  // namespace
}  // namespace simlab::raft

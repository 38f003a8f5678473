#include <gtest/gtest.h>

#include "sim/prng.h"
#include "sim/virtual_disk.h"
#include "systems/common/crc32c.h"

namespace simlab::sim {
namespace {

Bytes filled(std::size_t size, std::uint8_t value) { return Bytes(size, value); }

TEST(VirtualDisk, CrashKeepsSyncedDataAndExactlyTheUnsyncedWritesItChose) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    VirtualDisk disk(DiskConfig{});
    Prng random(seed);
    ASSERT_EQ(disk.write("wal", 0, filled(100, 1), random), DiskStatus::ok);
    ASSERT_EQ(disk.fsync("wal"), DiskStatus::ok);
    // Three unsynced writes at distinct offsets, one sector each.
    ASSERT_EQ(disk.write("wal", 512, filled(512, 2), random), DiskStatus::ok);
    ASSERT_EQ(disk.write("wal", 1024, filled(512, 3), random), DiskStatus::ok);
    ASSERT_EQ(disk.write("wal", 1536, filled(512, 4), random), DiskStatus::ok);
    ASSERT_EQ(disk.unsynced_writes(), 3u);

    const CrashOutcome outcome = disk.crash(random);
    ASSERT_EQ(outcome.writes.size(), 3u);
    const Bytes& after = *disk.contents("wal");
    // The synced write always survives.
    ASSERT_GE(after.size(), 100u);
    EXPECT_EQ(Bytes(after.begin(), after.begin() + 100), filled(100, 1));
    for (const auto& write : outcome.writes) {
      ASSERT_NE(write.fate, CrashOutcome::Fate::torn);  // one sector cannot tear
      const bool survived = after.size() >= write.offset + write.length &&
                            after[write.offset] == static_cast<std::uint8_t>(write.offset / 512 + 1);
      EXPECT_EQ(survived, write.fate == CrashOutcome::Fate::kept)
          << "seed " << seed << " offset " << write.offset;
    }
    EXPECT_EQ(disk.unsynced_writes(), 0u);
  }
}

TEST(VirtualDisk, ALostDiskHasNoFileSyncedOrNot) {
  VirtualDisk disk(DiskConfig{});
  Prng random(1);
  disk.write("wal", 0, filled(10, 1), random);
  disk.fsync("wal");
  disk.write("snapshot", 0, filled(10, 2), random);
  disk.lose_everything();
  EXPECT_TRUE(disk.files().empty());
  EXPECT_EQ(disk.contents("wal"), nullptr);
  EXPECT_EQ(disk.used_bytes(), 0u);
  Bytes read;
  EXPECT_EQ(disk.read("wal", 0, 10, read, random), DiskStatus::ok);
  EXPECT_TRUE(read.empty());
}

TEST(VirtualDisk, AWriteIsDurableOnlyAfterFsync) {
  VirtualDisk disk(DiskConfig{});
  Prng random(1);
  disk.write("f", 0, filled(10, 9), random);
  EXPECT_EQ(disk.durable_contents("f")->size(), 0u);
  EXPECT_EQ(disk.contents("f")->size(), 10u);  // but a reader sees it at once
  disk.fsync("f");
  EXPECT_EQ(*disk.durable_contents("f"), filled(10, 9));
}

TEST(VirtualDisk, TornWriteIsDetectedOnlyByAReaderThatChecks) {
  // Find a seed whose crash tears a multi-sector record, then show that a
  // plain read returns bytes without complaint while a CRC check rejects them.
  bool found = false;
  for (std::uint64_t seed = 1; seed <= 200 && !found; ++seed) {
    VirtualDisk disk(DiskConfig{});
    Prng random(seed);
    Bytes record(4 * 512 - 4, 0x5A);
    for (std::size_t i = 0; i < record.size(); ++i) record[i] = static_cast<std::uint8_t>(i * 7);
    append_crc32c(record);
    disk.write("wal", 0, Bytes(record.size(), 0), random);
    disk.fsync("wal");
    disk.write("wal", 0, record, random);
    const CrashOutcome outcome = disk.crash(random);
    if (outcome.writes.empty() || outcome.writes[0].fate != CrashOutcome::Fate::torn) continue;
    Bytes read_back;
    EXPECT_EQ(disk.read("wal", 0, record.size(), read_back, random), DiskStatus::ok);
    EXPECT_EQ(read_back.size(), record.size());
    if (read_back == record) continue;  // every sector happened to land
    EXPECT_FALSE(verify_crc32c_trailer(read_back).has_value());
    found = true;
  }
  EXPECT_TRUE(found) << "no seed in 1..200 tore the record";
}

TEST(VirtualDisk, FullDiskIsAStatusNotAnException) {
  DiskConfig config;
  config.capacity_bytes = 1000;
  VirtualDisk disk(config);
  Prng random(1);
  EXPECT_EQ(disk.write("a", 0, filled(600, 1), random), DiskStatus::ok);
  EXPECT_EQ(disk.write("b", 0, filled(600, 1), random), DiskStatus::no_space);
  EXPECT_EQ(disk.contents("b")->size(), 0u);  // nothing was written
  EXPECT_EQ(disk.write("a", 0, filled(600, 2), random), DiskStatus::ok);  // overwrite needs no space
}

TEST(VirtualDisk, ReadErrorsAndBitFlips) {
  VirtualDisk disk(DiskConfig{});
  Prng random(5);
  disk.write("f", 0, filled(64, 0), random);
  disk.fsync("f");
  disk.faults().read_error = 1.0;
  Bytes out;
  EXPECT_EQ(disk.read("f", 0, 64, out, random), DiskStatus::io_error);
  disk.heal();
  ASSERT_TRUE(disk.flip_bit("f", random));
  EXPECT_EQ(disk.read("f", 0, 64, out, random), DiskStatus::ok);
  int set_bits = 0;
  for (auto byte : out) set_bits += __builtin_popcount(byte);
  EXPECT_EQ(set_bits, 1);
  EXPECT_EQ(*disk.durable_contents("f"), out);  // latent: it survives a crash too
}

TEST(VirtualDisk, StallDelaysCompletionsAndOpsCompleteInOrder) {
  VirtualDisk disk(DiskConfig{});
  Prng random(1);
  const auto first = disk.completion_ns(VirtualDisk::OpKind::write, 0, random);
  const auto second = disk.completion_ns(VirtualDisk::OpKind::read, 0, random);
  EXPECT_GT(second, first);
  disk.faults().stall_until_ns = 5'000'000'000;
  EXPECT_GT(disk.completion_ns(VirtualDisk::OpKind::fsync, 0, random), 5'000'000'000);
}

}  // namespace
}  // namespace simlab::sim

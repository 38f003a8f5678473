#include "sim/prng.h"

#include <gtest/gtest.h>

#include <set>

namespace simlab::sim {
namespace {

TEST(Prng, SameSeedSameStream) {
  Prng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(Prng, SplitDependsOnlyOnSeedAndNameNotOnDrawsMade) {
  Prng fresh(7);
  Prng used(7);
  for (int i = 0; i < 1000; ++i) used.next_u64();
  Prng from_fresh = fresh.split("workload");
  Prng from_used = used.split("workload");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(from_fresh.next_u64(), from_used.next_u64());
}

TEST(Prng, NamedStreamsAreDistinct) {
  Prng root(7);
  std::set<std::uint64_t> firsts;
  for (const char* name : {"workload", "network", "faults", "node"}) {
    firsts.insert(root.split(name).next_u64());
  }
  for (std::uint64_t index = 0; index < 100; ++index) firsts.insert(root.split("node", index).next_u64());
  EXPECT_EQ(firsts.size(), 104u);
}

TEST(Prng, StreamValuesAreStableAcrossBuilds) {
  // Trace hashes written by one build must replay in the next: pin the
  // generator's first output for one seed (computed independently from the
  // published xoshiro256** and SplitMix64 definitions).
  Prng pinned(12345);
  EXPECT_EQ(pinned.next_u64(), 0x90b6115441078f2cull);
}

TEST(Prng, BelowStaysInRangeAndCoversIt) {
  Prng random(3);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto draw = random.below(10);
    ASSERT_LT(draw, 10u);
    seen.insert(draw);
  }
  EXPECT_EQ(seen.size(), 10u);
  for (int i = 0; i < 1000; ++i) {
    const auto draw = random.between(-5, 5);
    ASSERT_GE(draw, -5);
    ASSERT_LE(draw, 5);
  }
}

}  // namespace
}  // namespace simlab::sim

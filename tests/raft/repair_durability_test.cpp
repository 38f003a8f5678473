// A node repairing a damaged WAL votes again once a leader has restored its
// log, but its repair mark stays on disk until the hard-state write queued
// behind those entries completes: a crash before then brings it back
// repairing. The observer's commit-safety check must count it that way, or
// it reports a commit at risk that is not (a raft-crash swarm seed did).
#include <gtest/gtest.h>

#include "tests/raft/scenario.h"

namespace simlab::testing {
namespace {

TEST(RepairDurability, TheRepairMarkLeavesTheDiskAfterTheEntries) {
  TestCluster cluster(3, {}, R"({"raft":{"pre_vote":false,"check_quorum":false}})");
  cluster.stabilize();
  ASSERT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  // Three writes committed by the followers' disks; the leader's own disk
  // never completes, so only nodes 2 and 3 hold them durably.
  for (std::int64_t value = 5; value <= 7; ++value) write(cluster, 1, 2, value);
  cluster.deliver(1, 0);
  cluster.complete_disk(2);
  cluster.complete_disk(3);
  cluster.deliver(2, 1);
  cluster.deliver(3, 1);
  ASSERT_EQ(cluster.raft(1).commit_index(), 4u);
  ASSERT_LT(cluster.raft(1).durable_index(), 4u);
  cluster.crash(3);
  cluster.flip_byte(3, "raft.wal.0", 40);  // inside the first write's record
  cluster.start(3);
  cluster.complete_disk(3);
  ASSERT_TRUE(cluster.raft(3).recovering());
  // The leader resends; node 3 has the entries in memory, not yet on disk.
  for (int round = 0; round < 4 && cluster.raft(3).recovering(); ++round) {
    cluster.tick(1, 2);
    cluster.deliver(1, 3);
    cluster.deliver(3, 1);
  }
  ASSERT_FALSE(cluster.raft(3).recovering()) << cluster.raft(3).status_text();
  EXPECT_TRUE(cluster.raft(3).repair_mark_on_disk());
  EXPECT_FALSE(has_violation(cluster)) << cluster.violations().front().detail;
  cluster.complete_disk(3);
  EXPECT_FALSE(cluster.raft(3).repair_mark_on_disk());
  cluster.stabilize();
  EXPECT_FALSE(has_violation(cluster)) << cluster.violations().front().detail;
}

}  // namespace
}  // namespace simlab::testing

namespace simlab::testing {
namespace {

// The newest snapshot slot fails its CRC after a restart. Recovery falls
// back to the older slot (here none) and its WAL segment (truncated at the
// rotation), but the newer segment still holds the entries after the lost
// snapshot: the node must repair up to their end before it votes, or it
// votes with a log missing entries it acknowledged (a log-default swarm
// seed elected a controller leader without a committed entry this way).
TEST(RepairDurability, ALostNewestSnapshotRepairsToTheEndOfTheNewerSegment) {
  TestCluster cluster(3, {},
                      R"({"raft":{"pre_vote":false,"check_quorum":false,"snapshot_entries":4}})");
  cluster.stabilize();
  ASSERT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  for (std::int64_t value = 5; value <= 9; ++value) {
    write(cluster, 1, 2, value);
    cluster.stabilize();
  }
  ASSERT_EQ(cluster.raft(3).log().snapshot_index(), 4u) << cluster.raft(3).status_text();
  const raft::Index last = cluster.raft(3).log().last_index();
  ASSERT_GT(last, 4u);
  cluster.crash(3);
  cluster.flip_byte(3, "raft.snap.1", 20);
  cluster.start(3);
  cluster.complete_disk(3);
  ASSERT_TRUE(cluster.raft(3).recovering());
  EXPECT_NE(cluster.raft(3).status_text().find("recovering-until=" + std::to_string(last)),
            std::string::npos)
      << cluster.raft(3).status_text();
}

}  // namespace
}  // namespace simlab::testing

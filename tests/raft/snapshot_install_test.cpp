// InstallSnapshot on a follower that already holds the snapshot's last entry
// keeps the suffix after it (§7), and what of that suffix was durable stays
// durable: the old WAL segment is truncated only after the new one is
// synced. Counting it as not durable made the observer report a commit at
// risk that was not (a swarm seed of raft-default did).
#include <gtest/gtest.h>

#include "tests/raft/scenario.h"

namespace simlab::testing {
namespace {

constexpr const char* kSmallSnapshots =
    R"({"raft":{"pre_vote":false,"check_quorum":false,"snapshot_entries":2}})";

// Node 3 holds entries 2..5 on disk but knows only commit 1; an append it
// saw out of order made it reject, so the leader, which has compacted to
// 4, sends it a snapshot that its log already covers.
TEST(SnapshotInstall, KeepsTheDurableSuffixDurable) {
  TestCluster cluster(3, {}, kSmallSnapshots);
  cluster.stabilize();
  ASSERT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  for (std::int64_t value = 1; value <= 4; ++value) write(cluster, 1, 5, value);
  settle_disks(cluster);
  ASSERT_EQ(cluster.queued(1, 3), 4u);
  const std::size_t last_append = *cluster.position_of(1, 3, 3);
  cluster.duplicate_at(last_append);
  cluster.deliver_at(last_append);  // entry 5 before 2..4: rejected
  cluster.deliver(1, 3, 4);         // 2..4, then the copy of 5: accepted
  settle_disks(cluster);
  ASSERT_EQ(cluster.raft(3).log().last_index(), 5u);
  ASSERT_EQ(cluster.raft(3).commit_index(), 1u);
  cluster.deliver(1, 2);
  settle_disks(cluster);
  while (cluster.queued(2, 1) > 0) {  // one commit step at a time: snapshots at 2 and 4
    cluster.deliver(2, 1, 1);
    settle_disks(cluster);
  }
  ASSERT_EQ(cluster.raft(1).log().snapshot_index(), 4u) << cluster.raft(1).status_text();
  const raft::Index durable_before = cluster.raft(3).durable_index();
  ASSERT_EQ(durable_before, 5u);
  cluster.take_output();
  cluster.deliver(3, 1);  // the rejection: the leader falls back to its snapshot
  cluster.drop(1, 2);
  for (int message = 0; message < 4 && cluster.raft(3).log().snapshot_index() < 4; ++message) {
    cluster.deliver(1, 3, 1);
  }
  ASSERT_EQ(cluster.raft(3).log().snapshot_index(), 4u) << cluster.raft(3).status_text();
  EXPECT_EQ(cluster.raft(3).log().last_index(), 5u) << "the suffix after the snapshot stays";
  EXPECT_EQ(cluster.raft(3).durable_index(), 5u) << "and it is still on disk";
  settle_disks(cluster);
  cluster.stabilize();
  EXPECT_FALSE(has_violation(cluster)) << cluster.violations().front().detail;
}

}  // namespace
}  // namespace simlab::testing

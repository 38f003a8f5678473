// Each planted bug, in a scripted scenario where it produces the failure it
// is named after, and the same script without it, where the code is correct.
#include <gtest/gtest.h>

#include "tests/raft/scenario.h"

namespace simlab::testing {
namespace {

using raft::Role;

constexpr const char* kPlainElections = R"({"raft":{"pre_vote":false,"check_quorum":false}})";

std::set<std::string> bugs_if(bool on, const std::string& name) {
  return on ? std::set<std::string>{name} : std::set<std::string>{};
}

// --- raft.read-without-quorum -------------------------------------------
// A leader cut off from the majority keeps answering reads from its own
// state after the majority elected a new leader and accepted a write.
std::optional<kv::Response> stale_read_scenario(bool bug) {
  TestCluster cluster(3, bugs_if(bug, "raft.read-without-quorum"), kPlainElections);
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  write(cluster, 1, 5, 1);
  cluster.stabilize();
  cluster.isolate(1);
  EXPECT_TRUE(run_election(cluster, 2));
  cluster.stabilize();
  const RequestId second = write(cluster, 2, 5, 2);
  cluster.stabilize();
  EXPECT_EQ(cluster.response(second)->status, kv::Status::ok);
  EXPECT_EQ(cluster.raft(1).role(), Role::leader);  // it has not noticed yet
  const RequestId stale = read(cluster, 1, 5);
  cluster.stabilize();
  return cluster.response(stale);
}

TEST(PlantedBug, ReadWithoutQuorumServesStaleReads) {
  const auto buggy = stale_read_scenario(true);
  ASSERT_TRUE(buggy.has_value());
  EXPECT_EQ(buggy->status, kv::Status::ok);
  EXPECT_EQ(buggy->value, kv::KvValue{std::int64_t{1}});  // the overwritten value
  const auto correct = stale_read_scenario(false);
  EXPECT_FALSE(correct.has_value());  // no quorum round completes: no answer
}

// --- raft.vote-ignores-log ----------------------------------------------
// Node 3 missed a committed write; with the bug node 2 votes for it anyway
// and the new leader's log lacks the committed entry.
TestCluster vote_scenario(bool bug) {
  TestCluster cluster(3, bugs_if(bug, "raft.vote-ignores-log"), kPlainElections);
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  cluster.isolate(3);
  const RequestId acknowledged = write(cluster, 1, 5, 1);
  cluster.stabilize();
  EXPECT_EQ(cluster.response(acknowledged)->status, kv::Status::ok);
  cluster.tick(1, 2);  // a heartbeat tells node 2 the new commit index
  cluster.stabilize();
  cluster.crash(1);
  cluster.heal();
  run_election(cluster, 3);
  cluster.stabilize();
  return cluster;
}

TEST(PlantedBug, VoteIgnoresLogLosesCommittedWrites) {
  const TestCluster buggy = vote_scenario(true);
  EXPECT_EQ(buggy.raft(3).role(), Role::leader);
  EXPECT_TRUE(has_violation(buggy, "raft.leader-completeness"));
  const TestCluster correct = vote_scenario(false);
  EXPECT_NE(correct.raft(3).role(), Role::leader);
  EXPECT_FALSE(has_violation(correct));
}

// --- raft.commit-old-term (the Raft paper's Figure 8) -------------------
// With `rival_up` S5 is cut off instead of crashed while S1 leads term 3, so
// the observer can see that S5 could still win: the commit is at risk the
// moment it is made.
TestCluster figure_8_scenario(bool bug, bool rival_up = false) {
  TestCluster cluster(5, bugs_if(bug, "raft.commit-old-term"),
                      R"({"raft":{"pre_vote":false,"check_quorum":false,"entries_per_message":1}})");
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 1));  // (a) S1 leads term 1
  cluster.stabilize();
  for (NodeId id : {3, 4, 5}) cluster.cut(1, id);
  write(cluster, 1, 5, 1);  // index 2, term 1, reaches S2 only
  cluster.stabilize();
  cluster.crash(1);
  cluster.heal();
  EXPECT_TRUE(run_election(cluster, 5));  // (b) S5 leads term 2 with S3, S4
  cluster.drop(5, 0);                     // its no-op (index 2, term 2) stays local
  cluster.complete_disk(5);
  if (rival_up) {
    cluster.isolate(5);
  } else {
    cluster.crash(5);
  }
  cluster.start(1);
  cluster.complete_disk(1);
  EXPECT_TRUE(run_election(cluster, 1, 6));  // (c) S1 leads term 3...
  // ...and replicates index 2 (term 1) to S3 and S4, but not its own entry.
  for (int round = 0; round < 4 && (cluster.raft(3).log().last_index() < 2 ||
                                     cluster.raft(4).log().last_index() < 2);
       ++round) {
    cluster.drop(1, 2);
    cluster.deliver(1, 3, 1);
    cluster.deliver(1, 4, 1);
    settle_disks(cluster);
    cluster.deliver(3, 1);
    cluster.deliver(4, 1);
  }
  cluster.drop(1, 0);
  cluster.complete_disk(1);
  const raft::Index s1_commit = cluster.raft(1).commit_index();
  if (bug) {
    EXPECT_EQ(s1_commit, 2u);  // counted replicas of a term-1 entry in term 3
  } else {
    EXPECT_LT(s1_commit, 2u);  // index 2 waits for an entry of term 3
  }
  cluster.crash(1);  // (d) S5 returns and wins term 4 with a log lacking it
  if (rival_up) {
    cluster.heal();
  } else {
    cluster.start(5);
    cluster.complete_disk(5);
  }
  run_election(cluster, 5, 6);
  cluster.stabilize();
  return cluster;
}

TEST(PlantedBug, CommitOldTermIsFigure8) {
  const TestCluster buggy = figure_8_scenario(true);
  EXPECT_TRUE(has_violation(buggy, "raft.leader-completeness"));
  const TestCluster correct = figure_8_scenario(false);
  EXPECT_EQ(correct.raft(5).role(), Role::leader);  // legitimately: index 2 never committed
  EXPECT_FALSE(has_violation(correct));
}

// The observer cannot see a crashed node's log, so the hazard shows only when
// S5 wins; with S5 up but cut off it shows at the commit itself.
TEST(PlantedBug, CommitOldTermIsAtRiskWhileTheRivalIsUp) {
  const TestCluster buggy = figure_8_scenario(true, true);
  ASSERT_FALSE(buggy.violations().empty());
  EXPECT_EQ(buggy.violations().front().invariant, "raft.commit-at-risk");
  EXPECT_FALSE(has_violation(figure_8_scenario(false, true)));
}

// --- raft.ack-before-fsync ----------------------------------------------
// Followers acknowledge before their fsync; the leader commits and replies;
// a power loss on the followers erases the entry and they elect a leader
// without it.
TestCluster fsync_scenario(bool bug, RequestId& acknowledged) {
  TestCluster cluster(3, bugs_if(bug, "raft.ack-before-fsync"), kPlainElections);
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  acknowledged = write(cluster, 1, 5, 1);
  cluster.deliver(1, 0);
  cluster.complete_disk(1);
  cluster.deliver(0, 1);  // acks, if anyone sent one before syncing
  cluster.crash(2);
  cluster.crash(3);
  cluster.crash(1);
  cluster.start(2);
  cluster.start(3);
  settle_disks(cluster);
  run_election(cluster, 2);
  cluster.stabilize();
  return cluster;
}

TEST(PlantedBug, AckBeforeFsyncLosesAcknowledgedWrites) {
  RequestId acknowledged = 0;
  const TestCluster buggy = fsync_scenario(true, acknowledged);
  ASSERT_TRUE(buggy.response(acknowledged).has_value());
  EXPECT_EQ(buggy.response(acknowledged)->status, kv::Status::ok);
  // Seen at the commit, while the entry is on the leader's disk alone.
  EXPECT_TRUE(has_violation(buggy, "raft.commit-at-risk"));
  EXPECT_TRUE(has_violation(buggy, "raft.leader-completeness"));
  const TestCluster correct = fsync_scenario(false, acknowledged);
  EXPECT_FALSE(correct.response(acknowledged).has_value());  // never acknowledged
  EXPECT_FALSE(has_violation(correct));
}

// --- raft.no-truncate-on-conflict ---------------------------------------
// Node 2 holds two uncommitted entries from a deposed leader; the new
// leader's entry conflicts with the first; with the bug the stale second one
// stays behind it.
TestCluster conflict_scenario(bool bug) {
  // Node 1 leads term 1 and sends two entries only to node 2, then crashes
  // before its own fsync: the entries exist on node 2 alone. Node 3 wins
  // term 2 with node 1's vote and overwrites index 2 on node 2.
  TestCluster cluster(3, bugs_if(bug, "raft.no-truncate-on-conflict"), kPlainElections);
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  write(cluster, 1, 5, 1);
  write(cluster, 1, 5, 2);
  cluster.deliver(1, 2);
  cluster.drop(1, 0);
  cluster.complete_disk(2);
  cluster.drop(2, 0);
  cluster.crash(1);  // unsynced: node 1 comes back with index 1 only
  cluster.start(1);
  cluster.complete_disk(1);
  cluster.isolate(2);
  EXPECT_TRUE(run_election(cluster, 3));
  cluster.heal();
  cluster.stabilize();
  cluster.tick(3, 2);
  cluster.stabilize();
  return cluster;
}

TEST(PlantedBug, NoTruncateOnConflictLeavesDivergentLogs) {
  const TestCluster buggy = conflict_scenario(true);
  EXPECT_TRUE(has_violation(buggy));
  const TestCluster correct = conflict_scenario(false);
  EXPECT_FALSE(has_violation(correct));
  EXPECT_EQ(correct.raft(2).log().last_index(), correct.raft(3).log().last_index());
  EXPECT_EQ(correct.raft(2).log().chain_at(correct.raft(2).log().last_index()),
            correct.raft(3).log().chain_at(correct.raft(3).log().last_index()));
}

// --- kv.no-dedupe ---------------------------------------------------------
// A client retries an append under the same sequence number (its first try
// timed out, say); without dedupe it applies twice.
std::optional<kv::Response> dedupe_scenario(bool bug) {
  TestCluster cluster(3, bugs_if(bug, "kv.no-dedupe"));
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  kv::Request append;
  append.kind = kv::RequestKind::append;
  append.client_id = 7;
  append.sequence = 1;
  append.key = 3;
  append.value = kv::KvValue{std::string("x,")};
  cluster.request(1, append);
  cluster.stabilize();
  cluster.request(1, append);  // the retry
  cluster.stabilize();
  const RequestId result = read(cluster, 1, 3);
  cluster.stabilize();
  return cluster.response(result);
}

TEST(PlantedBug, NoDedupeAppliesRetriesTwice) {
  EXPECT_EQ(dedupe_scenario(true)->value, kv::KvValue{std::string("x,x,")});
  EXPECT_EQ(dedupe_scenario(false)->value, kv::KvValue{std::string("x,")});
}

// --- raft.unsafe-membership ---------------------------------------------
// The leader of {1,2,3}, cut off from 2 and 3, adds 4 and then 5 without
// waiting for the first change to commit: {1,4,5} is a majority of
// {1,2,3,4,5} while {2,3} is still a majority of {1,2,3}. Both commit.
TestCluster membership_scenario(bool bug) {
  TestCluster cluster(3, bugs_if(bug, "raft.unsafe-membership"), kPlainElections);
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  cluster.start(4);
  cluster.start(5);
  cluster.cut(1, 2);
  cluster.cut(1, 3);
  kv::Request add;
  add.kind = kv::RequestKind::add_server;
  add.node = 4;
  const RequestId first = cluster.request(1, add);
  add.node = 5;
  const RequestId second = cluster.request(1, add);
  EXPECT_EQ(cluster.response(first)->status, kv::Status::ok);
  EXPECT_EQ(cluster.response(second)->status, bug ? kv::Status::ok : kv::Status::busy);
  cluster.stabilize();
  write(cluster, 1, 5, 1);
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 2));
  cluster.stabilize();
  cluster.tick(2, 2);
  cluster.stabilize();
  return cluster;
}

TEST(PlantedBug, UnsafeMembershipMakesDisjointMajorities) {
  const TestCluster buggy = membership_scenario(true);
  EXPECT_TRUE(has_violation(buggy, "raft.state-machine-safety"));
  const TestCluster correct = membership_scenario(false);
  EXPECT_FALSE(has_violation(correct));
  EXPECT_EQ(correct.raft(1).commit_index(), 1u);  // no majority of {1,2,3} reachable
}

// --- raft.lease-ignores-drift -------------------------------------------
// Lease reads on in both runs. The leader is cut off right after a quorum
// round; the others elect a leader and accept a write while the old leader
// has not yet stepped down; then its wall clock jumps back a second. A lease
// timed by that clock still holds; one timed in ticks has run out.
std::optional<kv::Response> lease_scenario(bool bug, bool& flagged) {
  TestCluster cluster(3, bugs_if(bug, "raft.lease-ignores-drift"),
                      R"({"raft":{"lease_reads":true}})");
  cluster.stabilize();
  EXPECT_TRUE(run_election(cluster, 1));
  cluster.stabilize();
  write(cluster, 1, 5, 1);
  cluster.stabilize();
  NodeId new_leader = 0;
  for (int tick = 1; tick <= 40 && new_leader == 0; ++tick) {
    cluster.tick_all(1);
    cluster.stabilize();
    if (tick == 3) cluster.isolate(1);
    for (NodeId id : {2, 3}) {
      if (cluster.raft(id).role() == Role::leader) new_leader = id;
    }
  }
  EXPECT_NE(new_leader, 0u);
  EXPECT_EQ(cluster.raft(1).role(), Role::leader);  // not yet stepped down
  const RequestId second = write(cluster, new_leader, 5, 2);
  cluster.stabilize();
  EXPECT_EQ(cluster.response(second)->status, kv::Status::ok);
  cluster.skew_clock(1, -kNanosecondsPerSecond);
  const RequestId stale = read(cluster, 1, 5);
  cluster.stabilize();
  flagged = has_violation(cluster, "raft.stale-local-read");
  return cluster.response(stale);
}

TEST(PlantedBug, LeaseIgnoresDriftServesStaleReads) {
  bool flagged = false;
  const auto buggy = lease_scenario(true, flagged);
  ASSERT_TRUE(buggy.has_value());
  EXPECT_EQ(buggy->status, kv::Status::ok);
  EXPECT_EQ(buggy->value, kv::KvValue{std::int64_t{1}});
  EXPECT_TRUE(flagged) << "the observer sees the lease outlive the leadership";
  EXPECT_FALSE(lease_scenario(false, flagged).has_value());  // lease over: a round, no quorum
  EXPECT_FALSE(flagged);
}

}  // namespace
}  // namespace simlab::testing

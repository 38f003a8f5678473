// The commit log in the simulator kernel itself (no harness): three brokers,
// producers and consumers on fibers, a partition of a broker, crashes that
// lose unsynced writes (every broker at once among them), then a heal and
// the final drain. No invariant breaks, the queue checker finds nothing, and
// the log keeps taking writes after the heal. This suite runs under the
// sanitizers in CI, so the log's code runs there too.
#include <gtest/gtest.h>

#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_history.h"
#include "sim/simulator.h"
#include "systems/log/log_node.h"
#include "systems/log/log_system.h"
#include "workloads/log_workload.h"

namespace simlab::commitlog {
namespace {

constexpr std::int64_t kSecond = kNanosecondsPerSecond;
constexpr std::int64_t kClients = 5;

void schedule_faults(sim::Simulator& simulator) {
  sim::Simulator* s = &simulator;
  s->at(1 * kSecond, [s] { s->network().partition({{1}, {2, 3}}); });
  s->at(2 * kSecond, [s] { s->network().heal_partitions(); });
  s->at(2'500'000'000, [s] { s->crash(2); });
  s->at(3 * kSecond, [s] { s->restart(2); });
  s->at(4 * kSecond, [s] {
    for (NodeId node = 1; node <= 3; ++node) s->crash(node, true);
  });
  s->at(4'600'000'000, [s] {
    for (NodeId node = 1; node <= 3; ++node) s->restart(node);
  });
}

struct RunResult {
  std::optional<sim::RunFailure> failure;
  history::History history;
};

// Three brokers and kClients workload clients on fibers, started. The
// clients' lambdas point into it, so it stays where it was built.
struct LogCluster {
  explicit LogCluster(std::uint64_t seed, std::int64_t clients = kClients,
                      const std::string& options_json = "")
      : simulator(config_for(seed, factory, options_json)) {
    simulator.start();
    options.process_stride = clients;
    for (std::int64_t client = 0; client < clients; ++client) {
      envs.push_back(simulator.client_env("client-" + std::to_string(client)));
      ClientEnv* env = envs.back().get();
      simulator.spawn("client",
                      [this, env, client] { run_log_client(*env, recorder, client, options); });
    }
  }
  LogCluster(const LogCluster&) = delete;
  LogCluster& operator=(const LogCluster&) = delete;

  static sim::SimConfig config_for(std::uint64_t seed, const LogSystemFactory& factory,
                                   const std::string& options_json) {
    sim::SimConfig config;
    config.node_template.options_json = options_json;
    config.seed = seed;
    config.node_count = 3;
    config.factory = &factory;
    return config;
  }

  const LogSystemFactory factory;
  HistoryRecorder recorder;
  LogWorkloadOptions options;
  sim::Simulator simulator;
  std::vector<std::unique_ptr<ClientEnv>> envs;
};

RunResult run(std::uint64_t seed) {
  LogCluster cluster(seed);
  sim::Simulator& simulator = cluster.simulator;
  HistoryRecorder& recorder = cluster.recorder;
  schedule_faults(simulator);
  simulator.run_until(7 * kSecond);
  simulator.request_stop();
  simulator.run_until(8 * kSecond);
  recorder.close_pending(simulator.now_ns());
  return RunResult{simulator.failure(), recorder.take()};
}

TEST(SimulatedLog, SafeAndJudgedValidUnderPartitionsAndCrashes) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const RunResult result = run(seed);
    ASSERT_FALSE(result.failure.has_value())
        << "seed " << seed << ": " << result.failure->invariant << " " << result.failure->detail;
    const queue::CompiledQueue compiled = queue::compile_queue_history(result.history);
    ASSERT_FALSE(compiled.error.has_value()) << compiled.error->what;
    const queue::QueueCheckResult checked = queue::check_queue(compiled.history);
    EXPECT_TRUE(checked.valid) << "seed " << seed << ": " << checked.anomalies.front().detail;
    std::size_t sent_after_heal = 0;
    for (const history::Op& op : result.history) {
      sent_after_heal += op.f == "send" && op.type == history::OpType::ok && op.time > 5 * kSecond;
    }
    EXPECT_GT(sent_after_heal, 20u) << "seed " << seed;
  }
}

// Which broker leads partition 0 now, and in which epoch (by the newest
// metadata any live broker has applied).
std::pair<NodeId, Epoch> partition_leader(const sim::Simulator& simulator) {
  std::pair<NodeId, Epoch> newest{kNoNode, -1};
  std::int64_t partition_epoch = -1;
  for (NodeId id = 1; id <= 3; ++id) {
    const auto* broker = dynamic_cast<const LogNode*>(simulator.node(id));
    if (broker == nullptr) continue;
    const PartitionState& state = broker->metadata().partition(0);
    if (state.partition_epoch > partition_epoch) {
      partition_epoch = state.partition_epoch;
      newest = {state.leader, state.leader_epoch};
    }
  }
  return newest;
}

// A leader that crashes and is back within the session timeout (the
// controller never noticed it was gone) must not go on writing in the epoch
// it began before: it may have lost an unsynced tail its followers hold.
// The controller sees its new incarnation and elects again, so partition
// 0's leader epoch moves on, and the run stays safe.
TEST(SimulatedLog, ALeaderBackFromACrashLeadsOnlyInANewEpoch) {
  LogCluster cluster(11);
  sim::Simulator& simulator = cluster.simulator;
  simulator.run_until(1 * kSecond);
  const auto [leader, epoch] = partition_leader(simulator);
  ASSERT_NE(leader, kNoNode);
  simulator.crash(leader);
  simulator.run_until(1 * kSecond + 100'000'000);  // well inside the 500 ms session timeout
  simulator.restart(leader);
  simulator.run_until(3 * kSecond);
  const auto [after_leader, after_epoch] = partition_leader(simulator);
  EXPECT_GT(after_epoch, epoch) << "n" << leader << " led epoch " << epoch << " before its crash";
  EXPECT_NE(after_leader, kNoNode);
  EXPECT_FALSE(simulator.failure().has_value()) << simulator.failure()->detail;
}

// Followers that fsync every 100 ms hold a reply undurable for up to that
// long; with replica_lag_ms 100 too, a durable-end rule without an
// allowance for the interval dropped them from the ISR and took them back
// several times a second. Without faults, the ISR must hold still: each
// partition's epoch moves only for its first elections.
TEST(SimulatedLog, FollowersThatFsyncByIntervalStayInTheIsr) {
  LogCluster cluster(
      5, kClients,
      R"({"log": {"fsync": "interval", "fsync_interval_ms": 100, "replica_lag_ms": 100}})");
  sim::Simulator& simulator = cluster.simulator;
  simulator.run_until(6 * kSecond);
  ASSERT_FALSE(simulator.failure().has_value()) << simulator.failure()->detail;
  std::size_t sends = 0;
  for (const history::Op& op : cluster.recorder.history())
    sends += op.f == "send" && op.type == history::OpType::ok;
  EXPECT_GT(sends, 40u) << "the partitions took writes all along";
  for (PartitionId partition = 0; partition < 3; ++partition) {
    std::int64_t partition_epoch = -1;
    for (NodeId id = 1; id <= 3; ++id) {
      const auto* broker = dynamic_cast<const LogNode*>(simulator.node(id));
      partition_epoch =
          std::max(partition_epoch, broker->metadata().partition(partition).partition_epoch);
    }
    EXPECT_LE(partition_epoch, 3) << "p" << partition << "'s ISR changed " << partition_epoch
                                  << " times in 6 s without a fault";
  }
}

// The consumer group's coordinator, driven by two members by hand: a lone
// member gets every partition and commits; a second one joining makes a new
// generation that fences the first one's commits; once the first goes
// silent for the group session timeout, the second gets its partitions
// with the offset the first committed, and that offset survives every
// broker crashing at once (it is in the controller's Raft log).
TEST(SimulatedLog, TheGroupMovesASilentMembersPartitionsWithItsCommittedOffsets) {
  LogCluster cluster(5, 0);
  sim::Simulator& simulator = cluster.simulator;
  std::unique_ptr<ClientEnv> env = simulator.client_env("members");
  const std::int64_t timeout_ns = 2 * kSecond;
  GroupView first;
  GroupView joined;
  GroupView taken;
  GroupView after_crash;
  bool committed = false;
  bool zombie_committed = true;
  simulator.spawn("members", [&] {
    LogClient a(*env, 0, LogClientOptions{});
    LogClient b(*env, 0, LogClientOptions{});
    first = a.heartbeat(kLogConsumerGroup, 101, timeout_ns);
    committed = a.commit_offset(kLogConsumerGroup, 101, first.generation, 1, 5, timeout_ns);
    joined = b.heartbeat(kLogConsumerGroup, 102, timeout_ns);
    zombie_committed = a.commit_offset(kLogConsumerGroup, 101, first.generation, 1, 9, timeout_ns);
    for (int i = 0; i < 30; ++i) {  // 102 alone heartbeats, past 101's session timeout
      env->sleep_for(100'000'000);
      taken = b.heartbeat(kLogConsumerGroup, 102, timeout_ns);
    }
  });
  simulator.run_until(6 * kSecond);
  for (NodeId node = 1; node <= 3; ++node) simulator.crash(node, true);
  simulator.run_until(6 * kSecond + 200'000'000);
  for (NodeId node = 1; node <= 3; ++node) simulator.restart(node);
  simulator.spawn("after-crash", [&] {
    LogClient b(*env, 0, LogClientOptions{});
    after_crash = b.heartbeat(kLogConsumerGroup, 102, 3 * timeout_ns);
  });
  simulator.run_until(14 * kSecond);
  ASSERT_FALSE(simulator.failure().has_value()) << simulator.failure()->detail;

  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.assigned.size(), 3u) << "a lone member gets every partition";
  EXPECT_TRUE(committed);
  ASSERT_TRUE(joined.ok());
  EXPECT_GT(joined.generation, first.generation);
  EXPECT_FALSE(zombie_committed) << "a commit from an old generation is fenced";
  ASSERT_TRUE(taken.ok());
  const std::vector<AssignedPartition> everything{{0, -1}, {1, 5}, {2, -1}};
  EXPECT_EQ(taken.assigned, everything) << "101's partitions, at the offset it committed";
  ASSERT_TRUE(after_crash.ok());
  EXPECT_EQ(after_crash.assigned, everything) << "committed offsets are durable";
}

// Kafka's TxnOffsetCommit, driven by hand: an offset committed inside a
// transaction is held by it (a heartbeat calls the partition unstable, as
// KIP-447's requireStable fetch waits), becomes the group's only when the
// transaction commits, is dropped when it aborts, and is fenced when the
// group has moved to a generation in which the member does not own it.
TEST(SimulatedLog, AnOffsetInATransactionIsTheGroupsOnlyOnceItCommits) {
  LogCluster cluster(6, 0);
  sim::Simulator& simulator = cluster.simulator;
  std::unique_ptr<ClientEnv> env = simulator.client_env("member");
  const std::int64_t timeout_ns = 2 * kSecond;
  GroupView first, during, after_commit, after_abort;
  TxnStep held = TxnStep::unknown, aborted_step = TxnStep::unknown, fenced = TxnStep::ok;
  TxnEnd commit_end = TxnEnd::unknown, abort_end = TxnEnd::unknown;
  simulator.spawn("member", [&] {
    LogClient producer(*env, 7, LogClientOptions{});
    LogClient member(*env, 0, LogClientOptions{});
    first = member.heartbeat(kLogConsumerGroup, 101, timeout_ns);
    held = producer.commit_offset_in_transaction(kLogConsumerGroup, 101, first.generation, 1, 5,
                                                 timeout_ns);
    during = member.heartbeat(kLogConsumerGroup, 101, timeout_ns);
    commit_end = producer.end_transaction(true, timeout_ns);
    after_commit = member.heartbeat(kLogConsumerGroup, 101, timeout_ns);
    aborted_step = producer.commit_offset_in_transaction(kLogConsumerGroup, 101,
                                                         first.generation, 1, 9, timeout_ns);
    abort_end = producer.end_transaction(false, timeout_ns);
    after_abort = member.heartbeat(kLogConsumerGroup, 101, timeout_ns);
    member.heartbeat(kLogConsumerGroup, 102, timeout_ns);  // a new generation
    member.heartbeat(kLogConsumerGroup, 101, timeout_ns);
    fenced = producer.commit_offset_in_transaction(kLogConsumerGroup, 101, first.generation, 1,
                                                   11, timeout_ns);
  });
  simulator.run_until(8 * kSecond);
  ASSERT_FALSE(simulator.failure().has_value()) << simulator.failure()->detail;
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(held, TxnStep::ok);
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(during.assigned,
            (std::vector<AssignedPartition>{{0, -1}, {1, kUnstableOffset}, {2, -1}}));
  EXPECT_EQ(commit_end, TxnEnd::committed);
  ASSERT_TRUE(after_commit.ok());
  EXPECT_EQ(after_commit.assigned, (std::vector<AssignedPartition>{{0, -1}, {1, 5}, {2, -1}}));
  EXPECT_EQ(aborted_step, TxnStep::ok);
  EXPECT_EQ(abort_end, TxnEnd::aborted);
  EXPECT_EQ(after_abort.assigned, after_commit.assigned) << "an abort commits no offset";
  EXPECT_EQ(fenced, TxnStep::fenced) << "the group moved on from the member's generation";
}

}  // namespace
}  // namespace simlab::commitlog

// The raft system in the real simulator kernel (sim/): five nodes, five KV clients on fibers, partitions, crashes with lost unsynced
// writes, clock jumps and a leader transfer, then a heal. No safety finding,
// a linearizable history, progress after the heal, and the speed figure.
#include <gtest/gtest.h>

#include <chrono>

#include "checkers/linearizability/checker.h"
#include "sim/simulator.h"
#include "systems/kv/raft_system.h"
#include "workloads/kv_admin.h"
#include "workloads/kv_workload.h"

namespace simlab::testing {
namespace {

constexpr std::int64_t kSecond = kNanosecondsPerSecond;

// The lambdas outlive this function: they capture the simulator's address.
void schedule_faults(sim::Simulator& simulator) {
  sim::Simulator* s = &simulator;
  s->at(2 * kSecond, [s] { s->network().partition({{1, 2}, {3, 4, 5}}); });
  s->at(4 * kSecond, [s] { s->network().heal_partitions(); });
  s->at(5 * kSecond, [s] { s->crash(3); });
  s->at(5 * kSecond + 300'000'000, [s] { s->crash(4); });
  s->at(7 * kSecond, [s] { s->restart(3); });
  s->at(7 * kSecond, [s] { s->restart(4); });
  s->at(8 * kSecond, [s] { s->clock(1).jump(s->now_ns(), -kSecond); });
  s->at(9 * kSecond, [s] { s->network().partition({{1}, {2, 3, 4, 5}}); });
  s->at(11 * kSecond, [s] { s->network().heal_partitions(); });
}

struct RunResult {
  std::optional<sim::RunFailure> failure;
  history::History history;
  std::int64_t simulated_ns = 0;
  double wall_seconds = 0;
  std::uint64_t events = 0;
};

RunResult run(std::uint64_t seed, const std::set<std::string>& bugs) {
  const auto start = std::chrono::steady_clock::now();
  const auto factory = kv::make_raft_system();
  sim::SimConfig config;
  config.seed = seed;
  config.node_count = 5;
  config.factory = factory.get();
  config.node_template.bugs = bugs;
  RunResult result;
  HistoryRecorder recorder;
  sim::Simulator simulator(config);
  simulator.start();
  std::vector<std::unique_ptr<ClientEnv>> envs;
  for (std::int64_t client = 0; client < 5; ++client) {
    envs.push_back(simulator.client_env("client-" + std::to_string(client)));
    ClientEnv* env = envs.back().get();
    simulator.spawn("client", [&recorder, env, client] {
      KvWorkloadOptions options;
      options.process_stride = 5;
      run_kv_client(*env, recorder, client, options);
    });
  }
  envs.push_back(simulator.client_env("nemesis"));
  ClientEnv* admin = envs.back().get();
  simulator.spawn("transfer", [&simulator, admin] {
    admin->sleep_for(12 * kSecond);
    request_leader_transfer(*admin, 5, KvClientOptions{});
  });
  schedule_faults(simulator);
  simulator.run_until(15 * kSecond);
  simulator.request_stop();
  simulator.run_until(17 * kSecond);
  recorder.close_pending(simulator.now_ns());
  result.failure = simulator.failure();
  result.history = recorder.take();
  result.simulated_ns = simulator.now_ns();
  result.events = simulator.events();
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

linearizability::Verdict verdict(const history::History& history) {
  const auto factory = linearizability::make_model_factory("kv", history::Value());
  return linearizability::check_linearizability(history, *factory).verdict;
}

TEST(SimulatedRaft, SafeLinearizableAndLiveUnderFaults) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const RunResult result = run(seed, {});
    ASSERT_FALSE(result.failure.has_value())
        << "seed " << seed << ": " << result.failure->invariant << " " << result.failure->detail;
    if (std::getenv("SIMLAB_SKIP_CHECKER") == nullptr) {
      EXPECT_EQ(verdict(result.history), linearizability::Verdict::valid) << "seed " << seed;
    }
    std::size_t ok_after_heal = 0;
    std::size_t ok = 0;
    for (const history::Op& op : result.history) {
      if (op.type != history::OpType::ok) continue;
      ++ok;
      if (op.time > 12 * kSecond) ++ok_after_heal;
    }
    EXPECT_GT(ok_after_heal, 50u) << "seed " << seed;
    printf("seed %lu: %zu ok ops, %lu events, %.1f simulated s in %.3f wall s (%.0fx)\n",
           static_cast<unsigned long>(seed), ok, static_cast<unsigned long>(result.events),
           static_cast<double>(result.simulated_ns) / kSecond, result.wall_seconds,
           static_cast<double>(result.simulated_ns) / kSecond / result.wall_seconds);
  }
}

}  // namespace
}  // namespace simlab::testing

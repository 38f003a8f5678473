// Raft cluster simulation speed: 5 nodes, 10 clients at about 1,000 ops per
// simulated second, 60 simulated seconds under the default Raft scenario's
// faults (swarm off: every kind on). Prints the wall time and how many times
// faster than real time the simulation ran (goal: at least 300x). With
// --check it also times the linearizability checker on the 60,000-op
// history (minutes: the harness's cost, not Raft's).
// Usage, from the project root: raft_cluster_bench [seeds] [--check]
// (default 3 seeds; one 60 s run each).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/run/run_scenario.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kSimulatedMs = 60'000;

Scenario bench_scenario() {
  // Relative: the bench runs from the project root, as `make bench` runs it.
  Scenario scenario = load_scenario("scenarios/raft-default.json");
  scenario.name = "raft-cluster-bench";
  scenario.nodes = 5;
  scenario.clients = 10;
  scenario.think_ms_max = 10;  // ~5 ms think + a few ms per op: ~100 ops/s per client
  scenario.safety_ms = kSimulatedMs;
  scenario.liveness_ms = 5'000;
  scenario.swarm = false;  // every fault kind, at the scenario's rates
  return scenario;
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 3;
  const bool check = argc > 2 && std::string(argv[2]) == "--check";
  const Scenario scenario = bench_scenario();
  double simulate_s = 0;
  double check_s = 0;
  double simulated_s = 0;
  std::size_t ops = 0;
  int not_valid = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    const Scenario resolved = resolve_scenario(scenario, static_cast<std::uint64_t>(seed));
    const auto start = Clock::now();
    RunOutcome outcome = simulate_scenario(resolved);
    const auto simulated = Clock::now();
    if (check) judge_outcome(outcome);
    const auto judged = Clock::now();
    simulate_s += std::chrono::duration<double>(simulated - start).count();
    check_s += std::chrono::duration<double>(judged - simulated).count();
    simulated_s += static_cast<double>(outcome.simulated_ns) / 1e9;
    for (const auto& op : outcome.history) ops += op.type == history::OpType::invoke;
    not_valid += outcome.verdict != RunVerdict::valid;
  }
  std::printf("raft cluster (5 nodes, 10 clients, faults): %d runs, %.0f simulated s, %.0f ops/simulated s\n",
              seeds, simulated_s, static_cast<double>(ops) / simulated_s);
  std::printf("  simulation: %.2f s wall = %.0fx faster than real time (goal >= 300x)\n", simulate_s,
              simulated_s / simulate_s);
  if (check) {
    std::printf("  with the checker: %.2f s wall = %.0fx\n", simulate_s + check_s, simulated_s / (simulate_s + check_s));
  }
  std::printf("  %d runs not valid%s\n", not_valid, check ? "" : " (invariants and liveness only)");
  return not_valid == 0 ? 0 : 1;
}

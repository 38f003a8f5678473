// Harness speed: seeds per hour per core for the default Raft scenario with
// 10 simulated seconds of faults (goal: at least 10,000). Shrinking has its
// own bench (bench/shrink_bench.cpp).
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "harness/run/run_scenario.h"
#include "harness/systems/system_registry.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

Scenario raft_scenario(std::int64_t safety_ms) {
  Scenario scenario = register_demo_scenario();
  scenario.system = "raft";
  scenario.name = "raft-default";
  scenario.workload.clear();
  scenario.checker.clear();
  scenario.safety_ms = safety_ms;
  scenario.swarm = true;
  return scenario;
}

void seeds_per_hour(int seeds) {
  const Scenario scenario = raft_scenario(10'000);
  const auto start = Clock::now();
  double simulated_s = 0;
  int failures = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    const RunOutcome outcome = run_scenario(resolve_scenario(scenario, static_cast<std::uint64_t>(seed)));
    simulated_s += static_cast<double>(outcome.simulated_ns) / 1e9;
    failures += outcome.verdict != RunVerdict::valid;
  }
  const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("raft default scenario, 10 s safety phase: %d seeds in %.1f s = %.0f seeds/hour/core "
              "(goal >= 10,000); %.0fx faster than real time; %d not valid\n",
              seeds, wall_s, seeds * 3600.0 / wall_s, simulated_s / wall_s, failures);
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 20;
  seeds_per_hour(seeds);
  return 0;
}

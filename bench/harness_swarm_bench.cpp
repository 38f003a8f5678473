// Harness speed: seeds per hour per core for the default Raft scenario with
// 10 simulated seconds of faults (goal: at least 10,000), and how long
// `shrink` takes on a failing seed of each planted Raft bug and how much it
// removes (goal: under 60 s, ending with at most a tenth of the ops and faults).
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "harness/run/run_scenario.h"
#include "harness/shrink.h"
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

void shrink_each_bug(std::uint64_t seeds_max) {
  const SystemEntry* raft = find_system("raft");
  for (const PlantedBug& bug : raft->bugs) {
    Scenario scenario = raft_scenario(5'000);
    scenario.bug = std::string(bug.name);
    std::optional<Scenario> failing;
    RunOutcome outcome;
    for (std::uint64_t seed = 1; seed <= seeds_max && !failing; ++seed) {
      Scenario resolved = resolve_scenario(scenario, seed);
      outcome = run_scenario(resolved);
      if (outcome.verdict != RunVerdict::valid) failing = resolved;
    }
    if (!failing) {
      std::printf("%-30s no failure in seeds 1..%llu: nothing to shrink\n", std::string(bug.name).c_str(),
                  static_cast<unsigned long long>(seeds_max));
      continue;
    }
    const auto start = Clock::now();
    const ShrinkResult result =
        shrink(*failing, failure_signature(outcome), std::chrono::seconds(60), RunOptions{},
               [](const std::string&) {});
    const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%-30s seed %-4llu %-40s shrink %.1f s, %zu trials: ops %zu -> %zu, faults %zu -> %zu, nodes %u -> %u\n",
                std::string(bug.name).c_str(), static_cast<unsigned long long>(failing->seed),
                failure_signature(outcome).c_str(), wall_s, result.trials, result.before.ops, result.after.ops,
                result.before.faults, result.after.faults, result.before.nodes, result.after.nodes);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 20;
  seeds_per_hour(seeds);
  shrink_each_bug(argc > 2 ? static_cast<std::uint64_t>(std::atoll(argv[2])) : 50);
  return 0;
}

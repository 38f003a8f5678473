// CRDT store simulation speed (issue 16): 10 servers in 5 regions (two
// per region, 20 to 60 ms apart one way: a write waits for a second disk,
// which is then in its own region) and the default scenario's 2 offline
// replicas (in the first region), 50 clients, 20 simulated seconds of faults (swarm
// off: every kind of scenarios/crdt-default.json at its rate) and the
// liveness phase, for the set, counter, register and mv-register workloads. Issue 16
// asks for about 5,000 ops per simulated second; the bench prints the ok
// ops per simulated second it reached, the wall time, how many times
// faster than real time the simulation ran (goal: at least 300x), the
// kernel's events per wall second, and apart from the simulation the
// history checker's time on the run's history (set-full, pn-counter or
// session, for both registers).
// Usage, from the project root:
//   crdt_cluster_bench [seeds] [--faults-off] [--think-ms-max N] [--workload W]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "checkers/causal/causal_checker.h"
#include "checkers/counter/counter_checker.h"
#include "checkers/set/set_full.h"
#include "harness/run/run_scenario.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kClients = 50;
constexpr std::uint32_t kServers = 10;
constexpr std::int64_t kSafetyMs = 20'000;
constexpr std::int64_t kThinkMsMax = 10;

struct BenchFlags {
  int seeds = 2;
  bool faults = true;
  std::int64_t think_ms_max = kThinkMsMax;
  std::string workload;  // empty: every workload
};

BenchFlags parse_flags(int argc, char** argv) {
  BenchFlags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--faults-off") {
      flags.faults = false;
    } else if (arg == "--think-ms-max" && i + 1 < argc) {
      flags.think_ms_max = std::atoll(argv[++i]);
    } else if (arg == "--workload" && i + 1 < argc) {
      flags.workload = argv[++i];
    } else {
      flags.seeds = std::atoi(argv[i]);
    }
  }
  return flags;
}

Scenario bench_scenario(const BenchFlags& flags, const std::string& workload) {
  // Relative: the bench runs from the project root, as `make bench` runs it.
  Scenario scenario = load_scenario("scenarios/crdt-default.json");
  scenario.name = "crdt-cluster-bench";
  scenario.workload = workload;
  scenario.checker.clear();  // the workload's own model
  scenario.clients = kClients;
  scenario.think_ms_max = flags.think_ms_max;
  scenario.safety_ms = kSafetyMs;
  scenario.swarm = false;
  // Two servers per region, so a write's second disk is one region away
  // at most, and the two offline replicas (n11, n12) by n1 and n2.
  scenario.nodes = kServers + 2;
  scenario.regions.nodes = {{1, 2, 11, 12}, {3, 4}, {5, 6}, {7, 8}, {9, 10}};
  if (!flags.faults) scenario.faults = faults::FaultMix{};
  return scenario;
}

struct Totals {
  double wall_s = 0, check_s = 0, simulated_s = 0;
  std::uint64_t events = 0;
  std::size_t ok_ops = 0, history_ops = 0;
  int not_valid = 0;
};

bool history_valid(const std::string& workload, const history::History& history) {
  if (workload == "set")
    return set_full::check_set_full(history).verdict == set_full::Verdict::valid;
  if (workload == "counter") {
    return counter::check_counter(history, counter::CounterKind::pn_counter).verdict ==
           counter::Verdict::valid;
  }
  return causal::check_causal(history, causal::Scope::session).verdict == causal::Verdict::valid;
}

void measure(const BenchFlags& flags, const std::string& workload) {
  const Scenario scenario = bench_scenario(flags, workload);
  Totals totals;
  for (int seed = 1; seed <= flags.seeds; ++seed) {
    const Scenario resolved = resolve_scenario(scenario, static_cast<std::uint64_t>(seed));
    const auto start = Clock::now();
    const RunOutcome outcome = simulate_scenario(resolved);
    totals.wall_s += std::chrono::duration<double>(Clock::now() - start).count();
    const auto check_start = Clock::now();
    const bool valid = history_valid(workload, outcome.history);
    totals.check_s += std::chrono::duration<double>(Clock::now() - check_start).count();
    totals.simulated_s += static_cast<double>(outcome.simulated_ns) / 1e9;
    totals.events += outcome.events;
    totals.history_ops += outcome.history.size() / 2;
    for (const auto& op : outcome.history) totals.ok_ops += op.type == history::OpType::ok;
    totals.not_valid += outcome.verdict != RunVerdict::valid || !valid;
  }
  std::printf(
      "crdt %s (%u servers in 5 regions, 2 offline replicas, %u clients, think_ms_max %lld, %s):\n",
      workload.c_str(), kServers, kClients, static_cast<long long>(flags.think_ms_max),
      flags.faults ? "faults of scenarios/crdt-default.json, swarm off" : "faults off");
  std::printf("  %d runs, %.0f simulated s: %.0f ok ops/simulated s (goal ~5,000)\n", flags.seeds,
              totals.simulated_s, static_cast<double>(totals.ok_ops) / totals.simulated_s);
  std::printf("  simulation: %.2f s wall = %.0fx faster than real time (goal >= 300x)\n",
              totals.wall_s, totals.simulated_s / totals.wall_s);
  std::printf("  %llu events, %.2f M events per wall second\n",
              static_cast<unsigned long long>(totals.events),
              static_cast<double>(totals.events) / totals.wall_s / 1e6);
  std::printf("  checker: %.3f s for %zu ops\n", totals.check_s, totals.history_ops);
  std::printf("  %d runs not valid\n", totals.not_valid);
}

}  // namespace

int main(int argc, char** argv) {
  const BenchFlags flags = parse_flags(argc, argv);
  for (const char* workload : {"set", "counter", "register", "mv-register"})
    if (flags.workload.empty() || flags.workload == workload) measure(flags, workload);
  return 0;
}

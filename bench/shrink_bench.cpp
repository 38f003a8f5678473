// Shrinking, bug by bug: for every planted bug of every registered system,
// its first failing seed of the system's default scenario (swarm on, every
// judge), shrunk with the default budget: ops, faults, nodes and clients
// before and after, trials and wall time, and the length of the minimal
// run's causal story. Goal (issue 13): at most 20 client ops and 2 faults,
// in under 60 s each, with a story of at most 30 events.
//
//   shrink_bench [SEEDS_MAX=1000] [TRIALS=2000] [BUG]
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/shrink.h"
#include "harness/story/causal_story.h"
#include "harness/systems/system_registry.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

struct FailingRun {
  Scenario scenario;
  RunOutcome outcome;
};

std::optional<FailingRun> first_failing(const Scenario& scenario, std::uint64_t seeds_max) {
  for (std::uint64_t seed = 1; seed <= seeds_max; ++seed) {
    Scenario resolved = resolve_scenario(scenario, seed);
    RunOutcome outcome = run_scenario(resolved);
    if (outcome.verdict != RunVerdict::valid) return FailingRun{resolved, std::move(outcome)};
  }
  return std::nullopt;
}

void shrink_bug(const SystemEntry& system, const PlantedBug& bug, std::uint64_t seeds_max,
                std::size_t trials) {
  Scenario scenario =
      scenario_from_flags({"", std::string(system.name), "", std::string(bug.name)});
  scenario.swarm = true;
  const auto failing = first_failing(scenario, seeds_max);
  if (!failing) {
    std::printf("| %s | %s | - | no failure in seeds 1..%llu | | | | | | | |\n",
                std::string(system.name).c_str(), std::string(bug.name).c_str(),
                static_cast<unsigned long long>(seeds_max));
    return;
  }
  const FailureSignature signature = failure_signature(failing->outcome);
  ShrinkBudget budget;
  budget.trials_max = trials;
  const auto start = Clock::now();
  // SHRINK_BENCH_LOG=1: each pass's progress on stderr, with the time it was reached.
  const bool log = std::getenv("SHRINK_BENCH_LOG") != nullptr;
  const ShrinkResult result = shrink(
      failing->scenario, failing->outcome, budget, RunOptions{}, [&](const std::string& line) {
        if (!log) return;
        const double at_s = std::chrono::duration<double>(Clock::now() - start).count();
        std::fprintf(stderr, "%7.2f s  %s\n", at_s, line.c_str());
      });
  const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  RunOptions logged;
  logged.keep_causal_log = true;
  const CausalStory story = causal_story(run_scenario(result.minimal, logged), *system.factory);
  const bool goal = result.after.ops <= 20 && result.after.faults <= 2 && wall_s < 60 &&
                    story.events.size() + story.events_left_out <= 30;
  std::printf(
      "| %s | %s | %llu | %s | %zu -> %zu | %zu -> %zu | %u | %u | %zu, %.1f s | %zu%s | %s |\n",
      std::string(system.name).c_str(), std::string(bug.name).c_str(),
      static_cast<unsigned long long>(failing->scenario.seed), signature.describe().c_str(),
      result.before.ops, result.after.ops, result.before.faults, result.after.faults,
      result.after.nodes, result.after.clients, result.trials, wall_s, story.events.size(),
      story.events_left_out > 0 ? fmt::format(" (+{} left out)", story.events_left_out).c_str()
                                : "",
      goal ? "yes" : "no");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t seeds_max = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000;
  const std::size_t trials = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2000;
  const std::string only = argc > 3 ? argv[3] : "";
  std::printf(
      "| system | bug | seed | failure | ops | faults | nodes after | clients after | trials, "
      "time | story events | goal |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const SystemEntry& system : systems()) {
    for (const PlantedBug& bug : system.bugs) {
      if (only.empty() || only == bug.name) shrink_bug(system, bug, seeds_max, trials);
    }
  }
  return 0;
}

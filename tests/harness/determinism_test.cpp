// Same seed, same trace hash, on every system and every scenario: each
// registered system's default scenario and every scenarios/*.json, a fixed
// slice of seeds each, every seed run twice in this process and once more
// in a second process (this test binary started again), all with equal
// hashes, verdicts and history lengths. `make determinism` runs the same
// test over 1,000 seeds per system (SIMLAB_DETERMINISM_SEEDS).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/systems/system_registry.h"

namespace simlab {
namespace {

constexpr const char* kChildVariable = "SIMLAB_DETERMINISM_CHILD";
constexpr const char* kSeedsVariable = "SIMLAB_DETERMINISM_SEEDS";

struct Case {
  std::string name;
  Scenario scenario;  // unresolved: the swarm's draws must replay too
  std::uint64_t seeds;
};

// Seeds per case: the register demo is cheap, so it gets more; the long
// target asks for as many as it likes for every case.
std::uint64_t seeds_for(const std::string& system) {
  if (const char* wanted = std::getenv(kSeedsVariable)) return std::strtoull(wanted, nullptr, 10);
  return system == "register" ? 100 : 5;
}

std::vector<Case> cases() {
  std::vector<Case> all;
  for (const SystemEntry& system : systems()) {
    Scenario scenario = scenario_from_flags({"", std::string(system.name), "", ""});
    scenario.swarm = true;
    scenario.safety_ms = std::min<std::int64_t>(scenario.safety_ms, 2'000);
    all.push_back(
        {"--system=" + std::string(system.name), scenario, seeds_for(std::string(system.name))});
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SIMLAB_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".json") continue;
    Scenario scenario = load_scenario(entry.path().string());
    scenario.safety_ms = std::min<std::int64_t>(scenario.safety_ms, 2'000);
    all.push_back({entry.path().filename().string(), scenario, seeds_for(scenario.system)});
  }
  return all;
}

std::string fingerprint(const Case& run_case, std::uint64_t seed) {
  const RunOutcome outcome = run_scenario(resolve_scenario(run_case.scenario, seed));
  return fmt::format("{:016x} {} {}", outcome.trace_hash, run_verdict_name(outcome.verdict),
                     outcome.history.size());
}

// Prints one line per case and seed; runs only inside the child process.
TEST(DeterminismChild, PrintFingerprints) {
  if (std::getenv(kChildVariable) == nullptr) GTEST_SKIP() << "runs only as the second process";
  for (const Case& run_case : cases()) {
    for (std::uint64_t seed = 1; seed <= run_case.seeds; ++seed) {
      std::printf("FINGERPRINT %s %llu %s\n", run_case.name.c_str(),
                  static_cast<unsigned long long>(seed), fingerprint(run_case, seed).c_str());
    }
  }
}

std::map<std::string, std::string> fingerprints_from_second_process() {
  const std::string command =
      fmt::format("{}=1 /proc/{}/exe --gtest_filter=DeterminismChild.PrintFingerprints", kChildVariable, getpid());
  std::map<std::string, std::string> result;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return result;
  char line[512];
  while (std::fgets(line, sizeof line, pipe.get()) != nullptr) {
    char name[128], hash[32], verdict[64];
    unsigned long long seed = 0;
    std::size_t ops = 0;
    if (std::sscanf(line, "FINGERPRINT %127s %llu %31s %63s %zu", name, &seed, hash, verdict,
                    &ops) == 5) {
      result[fmt::format("{} {}", name, seed)] = fmt::format("{} {} {}", hash, verdict, ops);
    }
  }
  return result;
}

TEST(Determinism, EverySystemAndScenarioReplaysInThisProcessAndAnother) {
  const auto other = fingerprints_from_second_process();
  const std::vector<Case> all = cases();
  ASSERT_GE(all.size(), 9u) << "every system and every scenario file";
  std::size_t runs = 0;
  for (const Case& run_case : all) {
    std::string previous;
    for (std::uint64_t seed = 1; seed <= run_case.seeds; ++seed) {
      const std::string label = fmt::format("{} {}", run_case.name, seed);
      const std::string first = fingerprint(run_case, seed);
      EXPECT_EQ(first, fingerprint(run_case, seed)) << label << " differs within one process";
      ASSERT_TRUE(other.contains(label)) << "the second process did not report " << label;
      EXPECT_EQ(first, other.at(label)) << label << " differs across processes";
      EXPECT_NE(first, previous) << label << ": seeds really are different runs";
      previous = first;
      ++runs;
    }
  }
  EXPECT_EQ(other.size(), runs);
}

TEST(Determinism, CheckDeterminismNamesTheFirstDifferingEvent) {
  sim::TraceRecord a{10, sim::EventKind::message, 1, 0, 5, 100};
  sim::TraceRecord b{10, sim::EventKind::message, 1, 0, 6, 101};
  sim::TraceRecord c{20, sim::EventKind::timer, 2, 0, 7, 102};
  EXPECT_EQ(sim::first_difference({a, c}, {a, c}), -1);
  EXPECT_EQ(sim::first_difference({a, c}, {b, c}), 0);
  EXPECT_EQ(sim::first_difference({a, c}, {a}), 1);
}

// The judges watch a run; they do not change it: the same seed has the same
// trace and the same history whichever judges ran, so the history's
// verdict under --invariants none is the one recorded beside a white-box
// finding under --invariants all.
TEST(Determinism, TheJudgesDoNotChangeTheRun) {
  ScenarioFlags flags{"", "raft", "", "raft.read-without-quorum"};
  Scenario scenario = scenario_from_flags(flags);
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Scenario resolved = resolve_scenario(scenario, seed);
    RunOptions none;
    none.invariants = InvariantJudges::none;
    const RunOutcome all_judges = run_scenario(resolved);
    const RunOutcome history_only = run_scenario(resolved, none);
    EXPECT_EQ(all_judges.trace_hash, history_only.trace_hash) << "seed " << seed;
    EXPECT_EQ(all_judges.history.size(), history_only.history.size()) << "seed " << seed;
    EXPECT_EQ(all_judges.history_judge.has_value(), history_only.history_judge.has_value())
        << "seed " << seed;
    EXPECT_FALSE(history_only.white_box.has_value()) << "no white-box judge ran";
  }
}

}  // namespace
}  // namespace simlab

// A short fixed slice of the long Raft swarms (`make swarm` runs them all):
// a few seeds of every scenarios/raft-*.json must pass with no bug on, and a
// few planted bugs must still be caught at the seed the swarm first caught
// them, so a change that blinds the nemesis or breaks Raft shows up in
// `make test` within seconds.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/run_scenario.h"

namespace simlab {
namespace {

constexpr std::uint64_t kCleanSeeds = 3;

std::string scenario_path(const std::string& name) {
  return std::string(SIMLAB_SOURCE_DIR) + "/scenarios/" + name;
}

std::vector<std::string> raft_scenarios() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SIMLAB_SOURCE_DIR) + "/scenarios")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("raft-") && name.ends_with(".json")) names.push_back(name);
  }
  return names;
}

RunOutcome run(const std::string& name, std::uint64_t seed, const std::string& bug) {
  Scenario scenario = load_scenario(scenario_path(name));
  scenario.bug = bug;
  return run_scenario(resolve_scenario(scenario, seed));
}

TEST(RaftScenarios, CleanSeedsPass) {
  const auto names = raft_scenarios();
  ASSERT_GE(names.size(), 6u);
  for (const auto& name : names) {
    for (std::uint64_t seed = 1; seed <= kCleanSeeds; ++seed) {
      const RunOutcome outcome = run(name, seed, "");
      EXPECT_EQ(outcome.verdict, RunVerdict::valid)
          << name << " seed " << seed << ": " << outcome.anomaly << " " << outcome.detail;
    }
  }
}

struct KnownDetection {
  const char* scenario;
  const char* bug;
  std::uint64_t seed;  // the first detecting seed of `simlab swarm --seeds 1..N`
};

class RaftBugDetection : public ::testing::TestWithParam<KnownDetection> {};

TEST_P(RaftBugDetection, KnownSeedFindsTheBug) {
  const KnownDetection known = GetParam();
  const RunOutcome outcome = run(known.scenario, known.seed, known.bug);
  EXPECT_EQ(outcome.verdict, RunVerdict::safety_violation)
      << known.bug << " on " << known.scenario << " seed " << known.seed;
}

INSTANTIATE_TEST_SUITE_P(KnownSeeds, RaftBugDetection,
                         ::testing::Values(KnownDetection{"raft-crash.json", "raft.ack-before-fsync", 51},
                                           KnownDetection{"raft-lease.json", "raft.lease-ignores-drift", 3},
                                           KnownDetection{"raft-membership.json", "raft.unsafe-membership", 58},
                                           KnownDetection{"raft-default.json", "kv.no-dedupe", 2}));

}  // namespace
}  // namespace simlab

#include <gtest/gtest.h>

#include "harness/run_scenario.h"
#include "harness/scenario.h"

namespace simlab {
namespace {

using nlohmann::json;

std::string field_of(const json& object) {
  try {
    parse_scenario(object);
  } catch (const ScenarioError& error) {
    return error.field();
  }
  return "(accepted)";
}

TEST(Scenario, UnknownFieldsAndWrongTypesNameTheField) {
  EXPECT_EQ(field_of(json{{"sytem", "register"}}), "sytem");
  EXPECT_EQ(field_of(json{{"nodes", "three"}}), "nodes");
  EXPECT_EQ(field_of(json{{"nodes", -1}}), "nodes");
  EXPECT_EQ(field_of(json{{"faults", {{"partitoin", {{"rate", 1}}}}}}), "faults.partitoin");
  EXPECT_EQ(field_of(json{{"faults", {{"crash", {{"rate", "often"}}}}}}), "faults.crash.rate");
  EXPECT_EQ(field_of(json{{"faults", {{"crash", {{"intensity", 2}}}}}}), "faults.crash.intensity");
  EXPECT_EQ(field_of(json{{"faults", {{"partition_shapes", {"halves", "triangle"}}}}}),
            "faults.partition_shapes[1]");
  EXPECT_EQ(field_of(json{{"swarm", 1}}), "swarm");
  EXPECT_EQ(field_of(json{{"system", "register"}, {"nodes", 5}}), "(accepted)");
}

TEST(Scenario, RoundTripsThroughJson) {
  Scenario scenario = default_scenario();
  scenario.bug = "register.stale-read";
  scenario.faults.partition_shapes = {faults::PartitionShape::bridge};
  const Scenario again = parse_scenario(scenario_to_json(scenario));
  EXPECT_EQ(scenario_to_json(again), scenario_to_json(scenario));
}

TEST(Scenario, ResolveRejectsUnknownSystemWorkloadAndBug) {
  Scenario scenario = default_scenario();
  scenario.system = "nosuch";
  EXPECT_THROW(resolve_scenario(scenario, 1), ScenarioError);
  scenario = default_scenario();
  scenario.bug = "register.nosuch";
  EXPECT_THROW(resolve_scenario(scenario, 1), ScenarioError);
}

TEST(Scenario, SwarmChoiceIsWrittenIntoTheResolvedScenario) {
  Scenario scenario = default_scenario();
  scenario.swarm = true;
  const Scenario first = resolve_scenario(scenario, 7);
  EXPECT_FALSE(first.swarm);
  EXPECT_EQ(scenario_to_json(first), scenario_to_json(resolve_scenario(scenario, 7)));
  bool some_seed_differs = false;
  for (std::uint64_t seed = 1; seed < 20; ++seed) {
    some_seed_differs = some_seed_differs ||
                        scenario_to_json(resolve_scenario(scenario, seed))["faults"] != scenario_to_json(first)["faults"];
  }
  EXPECT_TRUE(some_seed_differs);
}

TEST(RunScenario, PlantedBugIsFoundAndBaselineIsValid) {
  Scenario scenario = default_scenario();
  scenario.safety_ms = 2'000;
  int found = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    EXPECT_EQ(run_scenario(resolve_scenario(scenario, seed)).verdict, RunVerdict::valid) << "seed " << seed;
    Scenario buggy = scenario;
    buggy.bug = "register.stale-read";
    const RunOutcome outcome = run_scenario(resolve_scenario(buggy, seed));
    if (outcome.verdict == RunVerdict::safety_violation) {
      ++found;
      EXPECT_EQ(outcome.anomaly, "linearizability");
      EXPECT_FALSE(outcome.explanation.is_null());
    }
  }
  EXPECT_GE(found, 5);
}

}  // namespace
}  // namespace simlab

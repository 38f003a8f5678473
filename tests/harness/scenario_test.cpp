#include "harness/scenario.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "systems/raft/options.h"

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
  Scenario scenario = register_demo_scenario();
  scenario.bug = "register.stale-read";
  scenario.faults.partition_shapes = {faults::PartitionShape::bridge};
  const Scenario again = parse_scenario(scenario_to_json(scenario));
  EXPECT_EQ(scenario_to_json(again), scenario_to_json(scenario));
}

TEST(Scenario, ResolveRejectsUnknownSystemWorkloadAndBug) {
  Scenario scenario = register_demo_scenario();
  scenario.system = "nosuch";
  EXPECT_THROW(resolve_scenario(scenario, 1), ScenarioError);
  scenario = register_demo_scenario();
  scenario.bug = "register.nosuch";
  EXPECT_THROW(resolve_scenario(scenario, 1), ScenarioError);
}

// workload_options are the workload's to judge: the queue workload names
// the bad knob, a workload with no options refuses any, and what resolves
// is written back so the run replays with it.
TEST(Scenario, WorkloadOptionsAreCheckedByTheWorkloadAndRoundTrip) {
  EXPECT_EQ(field_of(json{{"workload_options", 3}}), "workload_options");
  Scenario scenario = register_demo_scenario();
  scenario.workload_options = {{"roles", {"producer"}}};
  EXPECT_THROW(resolve_scenario(scenario, 1), ScenarioError) << "the register workload has none";
  scenario.system = "log";
  scenario.workload.clear();
  scenario.checker.clear();
  scenario.workload_options = {{"roles", {"producer", "chef"}}};
  try {
    resolve_scenario(scenario, 1);
    ADD_FAILURE() << "a role the queue workload does not have was accepted";
  } catch (const ScenarioError& error) {
    EXPECT_EQ(error.field(), "workload_options");
    EXPECT_NE(std::string(error.what()).find("roles: expected"), std::string::npos) << error.what();
  }
  scenario.workload_options = {{"txn_percent", 101}};
  EXPECT_THROW(resolve_scenario(scenario, 1), ScenarioError);
  scenario.workload_options = {{"roles", {"producer", "consumer"}}, {"txn_percent", 0}};
  const Scenario resolved = resolve_scenario(scenario, 1);
  EXPECT_EQ(parse_scenario(scenario_to_json(resolved)).workload_options, scenario.workload_options);
}

TEST(Scenario, SwarmChoiceIsWrittenIntoTheResolvedScenario) {
  Scenario scenario = register_demo_scenario();
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

TEST(Scenario, RaftDefaultFileMatchesTheBuiltInDefault) {
  ScenarioFlags flags;
  flags.system = "raft";
  const Scenario built_in = scenario_from_flags(flags);
  const Scenario file = load_scenario(std::string(SIMLAB_SOURCE_DIR) + "/scenarios/raft-default.json");
  EXPECT_EQ(scenario_to_json(built_in), scenario_to_json(file));
  EXPECT_TRUE(built_in.swarm);
  EXPECT_GT(built_in.faults.rate(faults::FaultKind::membership), 0.0);
  EXPECT_GT(built_in.faults.rate(faults::FaultKind::clock), 0.0);
}

// Swarm knobs: every drawn configuration is valid, seeds differ, what the
// scenario writes is kept, and a lease is only drawn with a drift bound
// that covers the run's clock faults.
TEST(Scenario, SwarmDrawsTheRaftSettingsTheScenarioLeavesOpen) {
  ScenarioFlags flags;
  flags.system = "raft";
  const Scenario base = scenario_from_flags(flags);
  std::set<bool> leases;
  std::set<std::uint64_t> batches;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const Scenario resolved = resolve_scenario(base, seed);
    const auto& raft = resolved.system_options["raft"];
    raft::Options options;
    EXPECT_EQ(raft::parse_options(resolved.system_options.dump(), options), "") << seed;
    EXPECT_EQ(raft["election_ticks"], 6) << "a written setting is kept";
    leases.insert(options.lease_reads);
    batches.insert(options.entries_per_message);
    if (options.lease_reads) {
      EXPECT_TRUE(options.check_quorum);
      EXPECT_GE(options.clock_drift_max, resolved.faults.rate(faults::FaultKind::clock) > 0
                                             ? resolved.faults.clock_drift_bound()
                                             : 0.0);
    }
  }
  EXPECT_EQ(leases.size(), 2u);
  EXPECT_GE(batches.size(), 2u);
  Scenario no_lease = base;
  no_lease.system_options["raft"]["lease_reads"] = false;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    EXPECT_EQ(resolve_scenario(no_lease, seed).system_options["raft"]["lease_reads"], false);
  }
}

TEST(RunScenario, PlantedBugIsFoundAndBaselineIsValid) {
  Scenario scenario = register_demo_scenario();
  scenario.safety_ms = 2'000;
  int found = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
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
  EXPECT_GE(found, 8);  // half of the 20 seeds find it today
}

}  // namespace
}  // namespace simlab

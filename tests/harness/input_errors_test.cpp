// Every bad input gets one clear message naming the flag, file or field,
// and a sysexits code, before any run starts (no run folder is written).
// Each case here once gave a wrong or unclear answer.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/harness/cli_support.h"

namespace simlab::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kUsage = 64, kDataError = 65, kNoInput = 66;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t found = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++found;
  return found;
}

// Runs `simlab run --scenario FILE` on a scenario given as JSON text; the
// run folder must not appear.
Ran run_scenario_text(const std::string& name, const std::string& json) {
  const fs::path dir = scratch_folder("input-" + name);
  const std::string file = write_file(dir / "scenario.json", json);
  Ran ran = run_simlab(fmt::format("run --scenario {} --db '' --out {}/run", file, dir.string()));
  EXPECT_FALSE(fs::exists(dir / "run")) << name << ": the run started anyway";
  return ran;
}

TEST(InputErrors, NegativeSeedIsAUsageErrorNotAHugeSeed) {
  const Ran ran = run_simlab("run --seed -1 --db '' --out /nonexistent-simlab-run");
  EXPECT_EQ(ran.exit_code, kUsage) << ran.output;
  EXPECT_NE(ran.output.find("--seed: expected a seed from 0 to"), std::string::npos) << ran.output;
  const Ran swarm = run_simlab("swarm --seeds -5..3 --db /nonexistent-simlab.db");
  EXPECT_EQ(swarm.exit_code, kUsage) << swarm.output;
  EXPECT_NE(swarm.output.find("--seeds: expected N or A..B"), std::string::npos) << swarm.output;
  EXPECT_NE(swarm.output.find("'-5..3'"), std::string::npos) << swarm.output;
}

TEST(InputErrors, AMissingScenarioFileIsNoInput) {
  const Ran ran = run_simlab("run --scenario /nonexistent/scenario.json --db ''");
  EXPECT_EQ(ran.exit_code, kNoInput) << ran.output;
  EXPECT_NE(ran.output.find("/nonexistent/scenario.json: no such scenario file"), std::string::npos)
      << ran.output;
  EXPECT_EQ(run_simlab("replay /nonexistent/scenario.json").exit_code, kNoInput);
}

TEST(InputErrors, AWrongTypeNamesTheFileThenTheFieldOnce) {
  const Ran ran = run_scenario_text("type", R"({"nodes": "five"})");
  EXPECT_EQ(ran.exit_code, kDataError) << ran.output;
  EXPECT_NE(ran.output.find("scenario.json: nodes: expected an integer"), std::string::npos)
      << ran.output;
  EXPECT_EQ(count(ran.output, "nodes"), 1u) << ran.output;
}

TEST(InputErrors, NumbersOutOfRangeAreRefusedNotTruncated) {
  const Ran nodes = run_scenario_text("nodes", R"({"nodes": 4294967299})");
  EXPECT_EQ(nodes.exit_code, kDataError) << nodes.output;
  EXPECT_NE(nodes.output.find("nodes: expected an integer from 1 to 64"), std::string::npos)
      << nodes.output;
  const Ran safety = run_scenario_text("safety", R"({"safety_ms": 9223372036854775000})");
  EXPECT_EQ(safety.exit_code, kDataError) << safety.output;
  EXPECT_NE(safety.output.find("safety_ms: expected an integer from 0 to 86400000"),
            std::string::npos)
      << safety.output;
  const Ran rate = run_scenario_text("rate", R"({"faults": {"crash": {"rate": -1}}})");
  EXPECT_EQ(rate.exit_code, kDataError) << rate.output;
  EXPECT_NE(rate.output.find("faults.crash.rate: expected a number from 0 to 1000"),
            std::string::npos)
      << rate.output;
  const Ran raft = run_scenario_text("raft-nodes", R"({"system": "raft", "nodes": 12})");
  EXPECT_EQ(raft.exit_code, kDataError) << raft.output;
  EXPECT_NE(raft.output.find("nodes: the raft system runs at most 9 nodes"), std::string::npos)
      << raft.output;
}

TEST(InputErrors, ATimelineFaultOnANodeTheClusterLacks) {
  const Ran ran = run_scenario_text("timeline", R"({"system": "register", "nodes": 3,
                      "timeline": [{"at_ns": 1000, "duration_ns": 1000, "kind": "crash", "node": 99}]})");
  EXPECT_EQ(ran.exit_code, kDataError) << ran.output;
  EXPECT_NE(ran.output.find("timeline[0]: node 99 is not in the 3-node cluster"), std::string::npos)
      << ran.output;
}

TEST(InputErrors, RegionsMustPlaceEveryNodeOnceWithAnOrderedLatency) {
  const auto run = [](const std::string& name, const std::string& regions) {
    return run_scenario_text(name, R"({"system": "crdt", "nodes": 3, "regions": )" + regions + "}");
  };
  const struct {
    const char* name;
    const char* regions;
    const char* message;
  } cases[] = {
      {"regions-twice", R"({"nodes": [[1, 2], [2, 3]], "latency_ms": [10, 20]})",
       "regions.nodes: node 2 is in two regions"},
      {"regions-missing", R"({"nodes": [[1], [2]], "latency_ms": [10, 20]})",
       "regions.nodes: node 3 is in no region"},
      {"regions-outside", R"({"nodes": [[1, 2], [3, 7]], "latency_ms": [10, 20]})",
       "regions.nodes: node 7 is not one of the scenario's 3 nodes"},
      {"regions-latency", R"({"nodes": [[1, 2], [3]], "latency_ms": [30, 20]})",
       "regions.latency_ms: expected [min, max] in milliseconds"},
      {"regions-field", R"({"nodes": [[1, 2], [3]], "latency_ms": [1, 2], "lag": 3})",
       "regions.lag: unknown field"},
  };
  for (const auto& bad : cases) {
    const Ran ran = run(bad.name, bad.regions);
    EXPECT_EQ(ran.exit_code, kDataError) << bad.name << ": " << ran.output;
    EXPECT_NE(ran.output.find(bad.message), std::string::npos) << bad.name << ": " << ran.output;
  }
}

TEST(InputErrors, BadSystemOptionsAreInputErrorsFoundBeforeTheRun) {
  const Ran type = run_scenario_text(
      "options-type",
      R"({"system": "raft", "system_options": {"raft": {"election_ticks": "ten"}}})");
  EXPECT_EQ(type.exit_code, kDataError) << type.output;
  EXPECT_NE(type.output.find("system_options: raft.election_ticks: expected an integer"),
            std::string::npos)
      << type.output;
  const Ran unknown = run_scenario_text(
      "options-key", R"({"system": "raft", "system_options": {"raft": {"ticks": 3}}})");
  EXPECT_EQ(unknown.exit_code, kDataError) << unknown.output;
  EXPECT_NE(unknown.output.find("raft.ticks: unknown option"), std::string::npos) << unknown.output;
  const Ran register_options = run_scenario_text(
      "options-register", R"({"system": "register", "system_options": {"x": 1}})");
  EXPECT_EQ(register_options.exit_code, kDataError) << register_options.output;
  EXPECT_NE(register_options.output.find("this system takes no options"), std::string::npos)
      << register_options.output;
}

TEST(InputErrors, ACheckerThatCannotJudgeTheWorkloadIsAnInputError) {
  const Ran unknown =
      run_scenario_text("checker-unknown", R"({"system": "raft", "checker": "nonsense"})");
  EXPECT_EQ(unknown.exit_code, kDataError) << unknown.output;
  EXPECT_NE(unknown.output.find("checker: model 'nonsense' cannot judge the kv workload"),
            std::string::npos)
      << unknown.output;
  const Ran set = run_scenario_text("checker-set", R"({"system": "register", "checker": "set"})");
  EXPECT_EQ(set.exit_code, kDataError) << set.output;
  EXPECT_NE(set.output.find("(expected cas-register)"), std::string::npos) << set.output;
}

TEST(InputErrors, BadFlagsAreUsageErrors) {
  const Ran invariants = run_simlab("run --invariants some --db ''");
  EXPECT_EQ(invariants.exit_code, kUsage) << invariants.output;
  EXPECT_NE(invariants.output.find("--invariants: expected all, nodes or none, got 'some'"),
            std::string::npos)
      << invariants.output;
  const Ran system = run_simlab("run --system nosuch --db ''");
  EXPECT_EQ(system.exit_code, kUsage) << system.output;
  EXPECT_NE(system.output.find("--system: unknown system 'nosuch'"), std::string::npos)
      << system.output;
  const Ran bug = run_simlab("run --bug nosuch --db ''");
  EXPECT_EQ(bug.exit_code, kUsage) << bug.output;
  EXPECT_NE(bug.output.find("unknown bug 'nosuch' for system 'raft'"), std::string::npos)
      << bug.output;
}

}  // namespace
}  // namespace simlab::testing

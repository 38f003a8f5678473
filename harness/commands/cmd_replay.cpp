// simlab replay RUN_DIR|SCENARIO: runs again and checks the trace hash and
// the verdict. A run folder is checked against its result.json; a scenario
// file (its seed inside) is run twice and checked against itself.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/commands/command.h"
#include "harness/run/run_scenario.h"

namespace simlab {
namespace {

struct Expected {
  std::string trace_hash;
  std::string verdict;
};

std::optional<Expected> expected_from(const std::filesystem::path& folder) {
  std::ifstream in(folder / "result.json");
  nlohmann::json result;
  if (!in || !(in >> result) || !result.is_object()) return std::nullopt;
  return Expected{result.value("trace_hash", ""), result.value("verdict", "")};
}

}  // namespace

int cmd_replay(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fprintf(stderr, "usage: simlab replay RUN_DIR|SCENARIO_FILE\n");
    return argc == 2 ? kExitValid : kExitUsage;
  }
  const std::filesystem::path target = argv[1];
  const bool is_folder = std::filesystem::is_directory(target);
  const std::string scenario_file = is_folder ? (target / "scenario.json").string() : target.string();
  Scenario scenario;
  try {
    scenario = load_scenario(scenario_file);
    scenario = resolve_scenario(scenario, scenario.seed);
  } catch (const ScenarioError& error) {
    std::fprintf(stderr, "simlab replay: %s\n", error.what());
    return kExitDataError;
  }
  std::optional<Expected> expected = is_folder ? expected_from(target) : std::nullopt;
  if (is_folder && !expected) {
    std::fprintf(stderr, "simlab replay: %s: no readable result.json to compare with\n",
                 (target / "result.json").string().c_str());
    return kExitDataError;
  }
  if (!expected) {
    const RunOutcome first = run_scenario(scenario);
    expected = Expected{fmt::format("{:016x}", first.trace_hash), run_verdict_name(first.verdict)};
  }
  const RunOutcome again = run_scenario(scenario);
  const std::string hash = fmt::format("{:016x}", again.trace_hash);
  const std::string verdict = run_verdict_name(again.verdict);
  std::printf("seed %llu %s: %s trace=%s\n", static_cast<unsigned long long>(scenario.seed), scenario.system.c_str(),
              verdict.c_str(), hash.c_str());
  if (hash != expected->trace_hash || verdict != expected->verdict) {
    std::fprintf(stderr, "simlab replay: MISMATCH: expected %s trace=%s, got %s trace=%s\n", expected->verdict.c_str(),
                 expected->trace_hash.c_str(), verdict.c_str(), hash.c_str());
    return kExitInternal;
  }
  std::printf("replay matches: same trace hash and verdict\n");
  return run_verdict_exit_code(again.verdict);
}

}  // namespace simlab

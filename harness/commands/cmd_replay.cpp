// simlab replay RUN_DIR|SCENARIO: runs again and checks the trace hash and
// the verdict. A run folder is checked against its result.json, judged by
// the judges it recorded; a scenario file (its seed inside) is run twice
// and checked against itself.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/commands/command.h"
#include "harness/commands/command_line.h"
#include "harness/commands/judge_flags.h"
#include "harness/commands/scenario_errors.h"
#include "harness/run/run_folder.h"
#include "harness/run/run_row.h"
#include "harness/run/run_scenario.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

struct Expected {
  std::string trace_hash;
  std::string verdict;
  bool safety_net = false;  // its checker gave up on the wall clock
};

bool hit_safety_net(const RunOutcome& outcome) {
  return outcome.history_judge && outcome.history_judge->safety_net;
}

std::optional<Expected> expected_from(const std::filesystem::path& folder) {
  const nlohmann::json result = read_result_json(folder.string());
  if (!result.is_object()) return std::nullopt;
  const nlohmann::json judges = result.value("judges", nlohmann::json::object());
  const nlohmann::json history =
      judges.is_object() ? judges.value("history", nlohmann::json()) : nlohmann::json();
  const bool safety_net = history.is_object() && history.value("safety_net", false);
  return Expected{result.value("trace_hash", ""), result.value("verdict", ""), safety_net};
}

int parse(int argc, char** argv, std::string& target, JudgeFlags& judges) {
  po::options_description options("simlab replay RUN_DIR|SCENARIO_FILE [options]");
  options.add_options()("help,h", "show this help")("target", po::value(&target),
                                                    "run folder or scenario file");
  add_judge_flags(options, judges);
  po::positional_options_description positional;
  positional.add("target", 1);
  po::variables_map values;
  if (const auto code = parse_command_line("replay", argc, argv, options, values, &positional))
    return *code;
  if (target.empty()) {
    std::fprintf(stderr, "simlab replay: RUN_DIR or SCENARIO_FILE is required\n");
    return kExitUsage;
  }
  return -1;
}

}  // namespace

int cmd_replay(int argc, char** argv) {
  std::string target_text;
  JudgeFlags judges;
  if (const int code = parse(argc, argv, target_text, judges); code >= 0) return code;
  const std::filesystem::path target = target_text;
  const bool is_folder = std::filesystem::is_directory(target);
  const std::string scenario_file =
      is_folder ? (target / "scenario.json").string() : target.string();
  Scenario scenario;
  RunOptions options = is_folder ? recorded_run_options(target.string()) : RunOptions{};
  try {
    apply_judge_flags(judges, options);
    scenario = load_scenario(scenario_file);
    scenario = resolve_scenario(scenario, scenario.seed);
  } catch (const ScenarioError& error) {
    return report_scenario_error("replay", error, true);
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "simlab replay: %s\n", error.what());
    return kExitUsage;
  }
  std::optional<Expected> expected = is_folder ? expected_from(target) : std::nullopt;
  if (is_folder && !expected) {
    std::fprintf(stderr, "simlab replay: %s: no readable result.json to compare with\n",
                 (target / "result.json").string().c_str());
    return kExitDataError;
  }
  if (!expected) {
    const RunOutcome first = run_scenario(scenario, options);
    expected = Expected{fmt::format("{:016x}", first.trace_hash), run_verdict_name(first.verdict),
                        hit_safety_net(first)};
  }
  const RunOutcome again = run_scenario(scenario, options);
  const std::string hash = fmt::format("{:016x}", again.trace_hash);
  const std::string verdict = run_verdict_name(again.verdict);
  std::printf("seed %llu %s: %s trace=%s (judges: %s)\n",
              static_cast<unsigned long long>(scenario.seed), scenario.system.c_str(),
              verdict.c_str(), hash.c_str(), invariant_judges_name(options.invariants));
  // A verdict the wall clock decided depends on the machine: the run is
  // compared by its trace, and the verdict is reported as unknown.
  const bool machine_dependent = expected->safety_net || hit_safety_net(again);
  if (machine_dependent && hash == expected->trace_hash) {
    std::printf(
        "replay matches the trace; the checker hit its wall-clock safety net, so the verdict (%s) "
        "is "
        "not compared\n",
        verdict.c_str());
    return kExitUnknown;
  }
  if (hash != expected->trace_hash || verdict != expected->verdict) {
    std::fprintf(stderr, "simlab replay: MISMATCH: expected %s trace=%s, got %s trace=%s\n",
                 expected->verdict.c_str(), expected->trace_hash.c_str(), verdict.c_str(),
                 hash.c_str());
    return kExitInternal;
  }
  std::printf("replay matches: same trace hash and verdict\n");
  return run_verdict_exit_code(again.verdict);
}

}  // namespace simlab

// simlab shrink RUN_DIR [--budget 60s] [--out DIR]: the smallest scenario
// found that still fails the same way, with its run folder.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/commands/command.h"
#include "harness/commands/command_line.h"
#include "harness/commands/judge_flags.h"
#include "harness/commands/scenario_errors.h"
#include "harness/run/run_folder.h"
#include "harness/shrink.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

// "60s", "90", "2m", "500ms" -> milliseconds; -1 when malformed.
std::int64_t parse_budget_ms(const std::string& text) {
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    return -1;
  }
  const std::string unit = text.substr(used);
  if (number < 0) return -1;
  if (unit.empty() || unit == "s") return static_cast<std::int64_t>(number * 1000);
  if (unit == "ms") return static_cast<std::int64_t>(number);
  if (unit == "m") return static_cast<std::int64_t>(number * 60'000);
  return -1;
}

std::string describe(const ShrinkStats& stats) {
  return fmt::format("{} ops, {} faults, {} nodes, {} clients, {:.2f}s simulated", stats.ops,
                     stats.faults, stats.nodes, stats.clients,
                     static_cast<double>(stats.simulated_ns) / 1e9);
}

}  // namespace

int cmd_shrink(int argc, char** argv) {
  std::string folder, budget = "60s", out;
  JudgeFlags judges;
  po::options_description options("simlab shrink RUN_DIR [options]");
  options.add_options()("help,h", "show this help")("run", po::value(&folder),
                                                    "the failing run's folder")(
      "budget", po::value(&budget), "wall-clock budget, e.g. 60s, 2m, 500ms (default 60s)")(
      "out", po::value(&out), "where to write the minimal run (default RUN_DIR-shrunk)");
  add_judge_flags(options, judges);
  po::positional_options_description positional;
  positional.add("run", 1);
  po::variables_map values;
  if (const auto code = parse_command_line("shrink", argc, argv, options, values, &positional))
    return *code;
  const std::int64_t budget_ms = parse_budget_ms(budget);
  if (folder.empty() || budget_ms < 0) {
    std::fprintf(stderr, "simlab shrink: %s\n",
                 folder.empty() ? "RUN_DIR is required" : "--budget: expected e.g. 60s");
    return kExitUsage;
  }
  Scenario failing;
  RunOptions run_options = recorded_run_options(folder);
  try {
    apply_judge_flags(judges, run_options);
    failing = load_scenario(folder + "/scenario.json");
    failing = resolve_scenario(failing, failing.seed);
  } catch (const ScenarioError& error) {
    return report_scenario_error("shrink", error, true);
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "simlab shrink: %s\n", error.what());
    return kExitUsage;
  }
  const RunOutcome original = run_scenario(failing, run_options);
  if (original.verdict == RunVerdict::valid) {
    std::fprintf(stderr, "simlab shrink: %s does not fail: nothing to shrink\n", folder.c_str());
    return kExitDataError;
  }
  const std::string signature = failure_signature(original);
  std::printf("shrinking %s (fails as %s) for up to %s\n", folder.c_str(), signature.c_str(),
              budget.c_str());
  const ShrinkResult result =
      shrink(failing, signature, std::chrono::milliseconds(budget_ms), run_options,
             [](const std::string& line) { std::printf("%s\n", line.c_str()); });
  const std::string target = out.empty() ? folder + "-shrunk" : out;
  try {
    write_run_folder(target, result.outcome);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "simlab shrink: %s\n", error.what());
    return kExitCantCreate;
  }
  std::printf("before: %s\nafter:  %s\n%zu trials%s\nminimal run: %s (replay: %s)\n",
              describe(result.before).c_str(), describe(result.after).c_str(), result.trials,
              result.budget_ran_out ? " (budget ran out)" : "", target.c_str(),
              replay_command(target).c_str());
  return run_verdict_exit_code(result.outcome.verdict);
}

}  // namespace simlab

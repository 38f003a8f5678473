// simlab shrink RUN_DIR [--budget TRIALS] [--time-limit 5m] [--out DIR]: the
// smallest scenario found that still fails the same way, with its run
// folder.
#include <fmt/format.h>

#include <algorithm>
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
#include "harness/story/causal_story.h"
#include "harness/systems/system_registry.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

// "60s", "90", "2m", "500ms" -> milliseconds; -1 when malformed.
std::int64_t parse_duration_ms(const std::string& text) {
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

// A positive number of trials; 0 when malformed (a duration, say: that is
// --time-limit now).
std::size_t parse_trials(const std::string& text) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return 0;
  return static_cast<std::size_t>(std::stoul(text));
}

int cmd_shrink(int argc, char** argv) {
  std::string folder, budget = "2000", time_limit = "5m", out;
  JudgeFlags judges;
  po::options_description options("simlab shrink RUN_DIR [options]");
  options.add_options()("help,h", "show this help")("run", po::value(&folder),
                                                    "the failing run's folder")(
      "budget", po::value(&budget),
      "work budget: the most trial runs (default 2000); the result is the same on every machine")(
      "time-limit", po::value(&time_limit),
      "wall-clock guard behind the budget, e.g. 90s, 5m (default 5m); a shrink it cuts short "
      "says so")("out", po::value(&out), "where to write the minimal run (default RUN_DIR-shrunk)");
  add_judge_flags(options, judges);
  po::positional_options_description positional;
  positional.add("run", 1);
  po::variables_map values;
  if (const auto code = parse_command_line("shrink", argc, argv, options, values, &positional))
    return *code;
  ShrinkBudget shrink_budget;
  shrink_budget.trials_max = parse_trials(budget);
  const std::int64_t time_limit_ms = parse_duration_ms(time_limit);
  const char* usage_error =
      folder.empty() ? "RUN_DIR is required"
      : shrink_budget.trials_max == 0
          ? "--budget: expected a number of trials, e.g. 300 (the wall-clock guard is --time-limit)"
      : time_limit_ms <= 0 ? "--time-limit: expected e.g. 90s or 5m"
                           : nullptr;
  if (usage_error != nullptr) {
    std::fprintf(stderr, "simlab shrink: %s\n", usage_error);
    return kExitUsage;
  }
  shrink_budget.time_limit = std::chrono::milliseconds(time_limit_ms);
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
  const FailureSignature signature = failure_signature(original);
  std::printf("shrinking %s (%s) in up to %zu trials\n", folder.c_str(),
              signature.describe().c_str(), shrink_budget.trials_max);
  const ShrinkResult result =
      shrink(failing, original, shrink_budget, run_options,
             [](const std::string& line) { std::printf("%s\n", line.c_str()); });
  // The minimal run once more, keeping which event caused which: its story.
  RunOptions story_options = run_options;
  story_options.keep_causal_log = true;
  RunOutcome minimal = run_scenario(result.minimal, story_options);
  const CausalStory story = causal_story(minimal, *find_system(result.minimal.system)->factory);
  minimal.story = story_json(story);
  const std::string target = out.empty() ? folder + "-shrunk" : out;
  try {
    write_run_folder(target, minimal);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "simlab shrink: %s\n", error.what());
    return kExitCantCreate;
  }
  const char* cut_short = result.time_ran_out
                              ? " (the time limit cut it short: another machine may shrink further)"
                          : result.trials_ran_out ? " (the budget ran out)"
                                                  : "";
  std::printf("%s", story_text(story).c_str());
  std::printf("before: %s\nafter:  %s\n%zu trials%s\nminimal run: %s (replay: %s)\n",
              describe(result.before).c_str(), describe(result.after).c_str(), result.trials,
              cut_short, target.c_str(), replay_command(target).c_str());
  return run_verdict_exit_code(result.outcome.verdict);
}

}  // namespace simlab

// simlab run: one seed of a scenario, judged, written to a run folder.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "harness/commands/command.h"
#include "harness/run/run_folder.h"
#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/systems/system_registry.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

struct RunFlags {
  std::string scenario_file;
  std::string system;
  std::string workload;
  std::string bug;
  std::string out;
  std::uint64_t seed = 1;
  bool check_determinism = false;
  bool trace = false;
};

// Runs the seed twice and names the first event where the runs part.
int check_determinism(const Scenario& resolved, const RunOutcome& first) {
  const RunOutcome second = run_scenario(resolved, RunOptions{false, true});
  const std::int64_t at = sim::first_difference(first.trace_records, second.trace_records);
  if (at < 0 && first.trace_hash == second.trace_hash && first.verdict == second.verdict) {
    std::printf("determinism: both runs have trace hash %016llx over %llu events\n",
                static_cast<unsigned long long>(first.trace_hash),
                static_cast<unsigned long long>(first.events));
    return -1;
  }
  std::fprintf(stderr, "determinism: runs differ at event %lld\n", static_cast<long long>(at));
  const auto show = [at](const char* label, const std::vector<sim::TraceRecord>& records) {
    if (at >= 0 && static_cast<std::size_t>(at) < records.size()) {
      std::fprintf(stderr, "  %s: %s\n", label, sim::describe(records[static_cast<std::size_t>(at)]).c_str());
    } else {
      std::fprintf(stderr, "  %s: (no event: the run ended)\n", label);
    }
  };
  show("first run ", first.trace_records);
  show("second run", second.trace_records);
  return kExitInternal;
}

int parse_flags(int argc, char** argv, RunFlags& flags) {
  po::options_description options("simlab run [options]");
  options.add_options()("help,h", "show this help")
      ("seed", po::value(&flags.seed), "the run's seed (default 1)")
      ("scenario", po::value(&flags.scenario_file), "scenario JSON file (default: the built-in default scenario)")
      ("system", po::value(&flags.system), "system under test (overrides the scenario's)")
      ("workload", po::value(&flags.workload), "workload (overrides the scenario's)")
      ("bug", po::value(&flags.bug), "switch on a planted bug (see simlab bugs)")
      ("out", po::value(&flags.out), "run folder to write (default runs/seed-N)")
      ("check-determinism", po::bool_switch(&flags.check_determinism), "run twice and compare trace hashes")
      ("trace", po::bool_switch(&flags.trace), "write a readable event log, trace.log");
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    std::fprintf(stderr, "simlab run: %s\n", error.what());
    return kExitUsage;
  }
  if (values.count("help")) {
    std::cout << options << "\n";
    return kExitValid;
  }
  return -1;
}

}  // namespace

int cmd_run(int argc, char** argv) {
  RunFlags flags;
  if (const int code = parse_flags(argc, argv, flags); code >= 0) return code;
  Scenario resolved;
  try {
    resolved = resolve_scenario(
        scenario_from_flags({flags.scenario_file, flags.system, flags.workload, flags.bug}), flags.seed);
  } catch (const ScenarioError& error) {
    std::fprintf(stderr, "simlab run: %s\n", error.what());
    return flags.scenario_file.empty() ? kExitUsage : kExitDataError;
  }
  const std::string folder = flags.out.empty() ? fmt::format("runs/seed-{}", flags.seed) : flags.out;
  RunOutcome outcome = simulate_scenario(resolved, RunOptions{flags.trace, flags.check_determinism});
  try {
    write_run_inputs(folder, outcome);
    judge_outcome(outcome);
    write_run_folder(folder, outcome);
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "simlab run: %s\n", error.what());
    return kExitCantCreate;
  }
  std::size_t ops = 0;
  for (const auto& op : outcome.history) ops += op.type == history::OpType::invoke;
  std::printf("seed %llu %s/%s%s: %s%s%s  ops=%zu events=%llu simulated=%.1fs wall=%.0fms trace=%016llx\n",
              static_cast<unsigned long long>(resolved.seed), resolved.system.c_str(),
              resolved.workload.c_str(), resolved.bug.empty() ? "" : (" bug=" + resolved.bug).c_str(),
              run_verdict_name(outcome.verdict), outcome.anomaly.empty() ? "" : " ",
              outcome.anomaly.c_str(), ops, static_cast<unsigned long long>(outcome.events),
              static_cast<double>(outcome.simulated_ns) / 1e9, outcome.wall_ms,
              static_cast<unsigned long long>(outcome.trace_hash));
  if (!outcome.detail.empty()) std::printf("  %s\n", outcome.detail.c_str());
  std::printf("verdict: %s\nrun folder: %s\n", run_verdict_name(outcome.verdict), folder.c_str());
  if (flags.check_determinism) {
    if (const int code = check_determinism(resolved, outcome); code >= 0) return code;
  }
  return run_verdict_exit_code(outcome.verdict);
}

}  // namespace simlab

// simlab run: one seed of a scenario, judged, written to a run folder and a
// row of the results store.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "harness/commands/command.h"
#include "harness/commands/command_line.h"
#include "harness/commands/judge_flags.h"
#include "harness/commands/scenario_errors.h"
#include "harness/run/real_run.h"
#include "harness/run/run_folder.h"
#include "harness/run/run_row.h"
#include "harness/run/run_scenario.h"
#include "harness/run/scripted_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/swarm.h"
#include "real/cluster.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

struct RunFlags {
  ScenarioFlags scenario;
  std::string out;
  std::string seed = "1";
  std::string db = "runs/results.db";
  JudgeFlags judges;
  bool check_determinism = false;
  bool trace = false;
  bool real = false;
  std::string write_timeline;
  std::string work_dir;
};

// Runs the seed twice and names the first event where the runs part.
int check_determinism(const Scenario& resolved, const RunOutcome& first) {
  RunOptions options = first.options;
  options.keep_trace_lines = false;
  options.keep_trace_records = true;
  const RunOutcome second = run_scenario(resolved, options);
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
      std::fprintf(stderr, "  %s: %s\n", label,
                   sim::describe(records[static_cast<std::size_t>(at)]).c_str());
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
  options.add_options()("help,h", "show this help")("seed", po::value(&flags.seed),
                                                    "the run's seed, 0 to 2^64-1 (default 1)")(
      "scenario", po::value(&flags.scenario.file),
      "scenario JSON file (default: the raft system's default scenario)")(
      "system", po::value(&flags.scenario.system), "system under test (overrides the scenario's)")(
      "workload", po::value(&flags.scenario.workload), "workload (overrides the scenario's)")(
      "bug", po::value(&flags.scenario.bug), "switch on a planted bug (see simlab bugs)")(
      "out", po::value(&flags.out), "run folder to write (default runs/seed-N)")(
      "db", po::value(&flags.db),
      "results store to add the run's row to (default runs/results.db; '' for none)")(
      "check-determinism", po::bool_switch(&flags.check_determinism),
      "run twice and compare trace hashes")("trace", po::bool_switch(&flags.trace),
                                            "write a readable event log, trace.log")(
      "real", po::bool_switch(&flags.real),
      "run the cluster as real processes in network namespaces, faults from the kernel (root; not "
      "deterministic)")("write-timeline", po::value(&flags.write_timeline),
                        "write the run's faults as a scripted scenario to this file (to run a real "
                        "run's faults in the simulator)")(
      "work-dir", po::value(&flags.work_dir),
      "with --real: where the nodes' data folders go (default RUN_FOLDER/nodes)");
  add_judge_flags(options, flags.judges);
  po::variables_map values;
  if (const auto code = parse_command_line("run", argc, argv, options, values)) return *code;
  return -1;
}

void print_judges(const RunOutcome& outcome) {
  const auto print = [](const char* label, const std::optional<JudgeFinding>& finding) {
    if (finding)
      std::printf("  %s: %s: %s\n", label, finding->anomaly.c_str(), finding->detail.c_str());
  };
  std::string ran;
  for (const auto& judge : judges_ran(outcome)) ran += (ran.empty() ? "" : ", ") + judge;
  std::string caught;
  for (const auto& judge : judges_caught(outcome)) caught += (caught.empty() ? "" : ", ") + judge;
  std::printf("judges: %s; caught by: %s\n", ran.c_str(), caught.empty() ? "none" : caught.c_str());
  print("history", outcome.history_judge);
  if (outcome.white_box) print(outcome.white_box->judge.c_str(), outcome.white_box);
  if (!outcome.node_aborts.empty()) {
    std::printf("  %zu node abort(s), the first: n%u %s\n", outcome.node_aborts.size(),
                outcome.node_aborts.front().node, outcome.node_aborts.front().invariant.c_str());
  }
}

void print_summary(const RunOutcome& outcome, const std::string& folder) {
  const Scenario& resolved = outcome.scenario;
  std::size_t ops = 0;
  for (const auto& op : outcome.history) ops += op.type == history::OpType::invoke;
  std::printf(
      "seed %llu %s/%s%s: %s%s%s  ops=%zu events=%llu simulated=%.1fs wall=%.0fms trace=%016llx\n",
      static_cast<unsigned long long>(resolved.seed), resolved.system.c_str(),
      resolved.workload.c_str(), resolved.bug.empty() ? "" : (" bug=" + resolved.bug).c_str(),
      run_verdict_name(outcome.verdict), outcome.anomaly.empty() ? "" : " ",
      outcome.anomaly.c_str(), ops, static_cast<unsigned long long>(outcome.events),
      static_cast<double>(outcome.simulated_ns) / 1e9, outcome.wall_ms,
      static_cast<unsigned long long>(outcome.trace_hash));
  if (!outcome.deterministic)
    std::printf("a real run: not deterministic (its seed picked the faults and the workload)\n");
  print_judges(outcome);
  std::printf("verdict: %s\nrun folder: %s\n", run_verdict_name(outcome.verdict), folder.c_str());
}

void record_row(const std::string& db, const Scenario& unresolved, const RunOptions& options,
                const std::string& folder) {
  if (db.empty()) return;
  const std::filesystem::path parent = std::filesystem::path(db).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  ResultsStore store(db);
  RunRow row = run_row(unresolved, scenario_key(unresolved, options), unresolved.seed, folder,
                       read_result_json(folder));
  store.record(row);
}

// The run itself, by the driver the flags ask for.
RunOutcome drive(const Scenario& resolved, const RunOptions& options, const RunFlags& flags,
                 const std::string& folder) {
  if (!flags.real) return simulate_scenario(resolved, options);
  RealRunOptions real;
  real.work_dir = flags.work_dir.empty() ? folder + "/nodes" : flags.work_dir;
  real.simlab_binary = own_binary();
  return run_real(resolved, options, real);
}

void write_timeline(const std::string& path, const RunOutcome& outcome) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw std::runtime_error(path + ": cannot write");
  out << scenario_to_json(scripted_scenario(outcome.scenario, outcome.faults)).dump(2) << "\n";
}

}  // namespace

int cmd_run(int argc, char** argv) {
  RunFlags flags;
  if (const int code = parse_flags(argc, argv, flags); code >= 0) return code;
  Scenario unresolved;
  Scenario resolved;
  RunOptions options{flags.trace, flags.check_determinism};
  try {
    apply_judge_flags(flags.judges, options);
    unresolved = scenario_from_flags(flags.scenario);
    unresolved.seed = parse_seed(flags.seed, "--seed");
    resolved = resolve_scenario(unresolved, unresolved.seed);
  } catch (const ScenarioError& error) {
    return report_scenario_error("run", error, !flags.scenario.file.empty());
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "simlab run: %s\n", error.what());
    return kExitUsage;
  }
  if (flags.real && flags.check_determinism) {
    std::fprintf(stderr, "simlab run: --check-determinism: a real run is not deterministic\n");
    return kExitUsage;
  }
  const std::string folder =
      flags.out.empty() ? fmt::format("runs/seed-{}", resolved.seed) : flags.out;
  RunOutcome outcome;
  try {
    outcome = drive(resolved, options, flags, folder);
  } catch (const real::RealUnavailable& error) {
    std::fprintf(stderr, "simlab run: --real: %s\n", error.what());
    return kExitUnavailable;
  } catch (const RealRunInterrupted& error) {
    std::fprintf(stderr, "simlab run: %s\n", error.what());
    return kExitInterrupted;
  }
  try {
    if (!flags.write_timeline.empty()) write_timeline(flags.write_timeline, outcome);
    write_run_inputs(folder, outcome);
    judge_outcome(outcome);
    write_run_folder(folder, outcome);
    record_row(flags.db, unresolved, options, folder);
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "simlab run: %s\n", error.what());
    return kExitCantCreate;
  }
  print_summary(outcome, folder);
  if (flags.check_determinism) {
    if (const int code = check_determinism(resolved, outcome); code >= 0) return code;
  }
  return run_verdict_exit_code(outcome.verdict);
}

}  // namespace simlab

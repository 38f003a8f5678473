// simlab swarm: many seeds of a scenario in worker processes, recorded in
// the results store as they finish.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "harness/commands/command.h"
#include "harness/commands/judge_flags.h"
#include "harness/commands/scenario_errors.h"
#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/swarm.h"
#include "harness/swarm_view.h"
#include "real/cluster.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

struct SwarmFlags {
  ScenarioFlags scenario;
  std::string seeds = "1..100";
  std::string shard;
  std::string db = "runs/swarm.db";
  std::string junit;
  bool tui = false;
  bool swarm_faults = true;
  SwarmOptions options;
  JudgeFlags judges;
};

int parse(int argc, char** argv, SwarmFlags& flags) {
  po::options_description options("simlab swarm [options]");
  options.add_options()("help,h", "show this help")(
      "scenario", po::value(&flags.scenario.file),
      "scenario JSON file (default: the built-in default)")(
      "system", po::value(&flags.scenario.system), "system under test (overrides the scenario's)")(
      "workload", po::value(&flags.scenario.workload), "workload (overrides the scenario's)")(
      "bug", po::value(&flags.scenario.bug), "switch on a planted bug")(
      "seeds", po::value(&flags.seeds), "seeds: N or A..B (default 1..100)")(
      "jobs", po::value(&flags.options.jobs), "worker processes (default: one per core)")(
      "shard", po::value(&flags.shard), "K/N: run every N-th seed starting at the K-th (K from 0)")(
      "db", po::value(&flags.db), "SQLite results store (default runs/swarm.db)")(
      "out", po::value(&flags.options.out_dir), "folder for failing runs (default runs/swarm)")(
      "timeout-s", po::value(&flags.options.run_timeout_s),
      "wall-clock limit per run (default 300)")("stop-on-failure",
                                                po::bool_switch(&flags.options.stop_on_failure),
                                                "stop starting seeds after a failure")(
      "keep-passing", po::bool_switch(&flags.options.keep_passing),
      "keep passing runs' folders too")(
      "no-swarm-faults",
      "run the scenario's faults as written instead of a random subset per seed")(
      "junit", po::value(&flags.junit), "write JUnit XML here for CI")(
      "tui", po::bool_switch(&flags.tui), "an ncurses view (plain lines without a terminal)")(
      "real", po::bool_switch(&flags.options.real), "real nodes (root), one seed after another");
  add_judge_flags(options, flags.judges);
  po::variables_map values;
  flags.options.jobs = std::max(1u, std::thread::hardware_concurrency());
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), values);
    po::notify(values);
    flags.options.seeds = shard_seeds(parse_seed_range(flags.seeds), flags.shard);
    apply_judge_flags(flags.judges, flags.options.run);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "simlab swarm: %s\n", error.what());
    return kExitUsage;
  }
  if (values.count("help")) {
    std::cout << options << "\n";
    return kExitValid;
  }
  flags.swarm_faults = values.count("no-swarm-faults") == 0;
  return -1;
}

}  // namespace

int cmd_swarm(int argc, char** argv) {
  SwarmFlags flags;
  if (const int code = parse(argc, argv, flags); code >= 0) return code;
  Scenario scenario;
  try {
    scenario = scenario_from_flags(flags.scenario);
    if (flags.swarm_faults) scenario.swarm = true;
    resolve_scenario(scenario, 1);  // names a bad system, workload or bug now, not per seed
    if (flags.options.real) real::check_real_nodes_available();
  } catch (const ScenarioError& error) {
    return report_scenario_error("swarm", error, !flags.scenario.file.empty());
  } catch (const real::RealUnavailable& error) {
    std::fprintf(stderr, "simlab swarm: --real: %s\n", error.what());
    return kExitUnavailable;
  }
  try {
    ResultsStore store(flags.db);
    auto view = make_swarm_view(flags.tui);
    const SwarmProgress progress = run_swarm(scenario, flags.options, store,
                                             [&](const SwarmProgress& now) { view->update(now); });
    view->finish(progress);
    if (!flags.junit.empty()) {
      std::vector<RunRow> rows;
      const std::string key = scenario_key(scenario, flags.options.run, flags.options.real);
      for (auto& row : store.rows()) {
        if (row.scenario_key == key) rows.push_back(std::move(row));
      }
      write_junit(flags.junit, scenario.name, rows);
    }
    std::printf("results store: %s\n", flags.db.c_str());
    return progress.failures > 0 ? kExitSafetyViolation : kExitValid;
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "simlab swarm: %s\n", error.what());
    return kExitCantCreate;
  }
}

}  // namespace simlab

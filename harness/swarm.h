// A swarm: many seeds of one scenario, each run in its own worker process so
// a crash or a hang is that seed's failure and the swarm goes on. Each
// finished run is recorded in the results store the moment it is reaped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/results_store.h"
#include "harness/run/run_outcome.h"
#include "harness/scenario.h"

namespace simlab {

struct SwarmOptions {
  std::vector<std::uint64_t> seeds;  // after sharding
  unsigned jobs = 2;
  std::string out_dir = "runs/swarm";  // failing runs keep their folder here
  double run_timeout_s = 300;          // wall-clock limit per run
  bool stop_on_failure = false;
  bool keep_passing = false;           // keep every run's folder, not just failures
  RunOptions run;                      // the judges
  // Real nodes instead of the simulator: one seed at a time (jobs is 1),
  // each run's nodes in RUN_FOLDER/nodes.
  bool real = false;
};

// What the progress view and the summary need.
struct SwarmProgress {
  std::size_t total = 0;
  std::size_t skipped = 0;  // already recorded
  std::size_t done = 0;
  std::size_t failures = 0;
  double elapsed_s = 0;
  std::map<std::string, std::size_t> by_verdict;
  std::map<std::string, std::size_t> failures_by_bug;
  std::map<std::string, std::size_t> fault_kind_runs;  // runs in which each kind was active
  std::vector<RunRow> latest_failures;                 // newest last, at most 10
};

// A stable key for "this swarm": the scenario without its seed, and the
// judges when they are not the default ones.
std::string scenario_key(const Scenario& scenario, const RunOptions& options = {},
                         bool real = false);

// Parses "A..B" or "N" into seeds, then keeps every N-th for shard K/N
// (K counted from 0, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX).
// Throws std::invalid_argument naming the flag on bad input.
std::vector<std::uint64_t> parse_seed_range(const std::string& range);
// One seed (digits only); throws std::invalid_argument naming `flag`.
std::uint64_t parse_seed(const std::string& text, const std::string& flag);
std::vector<std::uint64_t> shard_seeds(const std::vector<std::uint64_t>& seeds, const std::string& shard);

// Runs the swarm; `on_progress` is called after every finished run.
SwarmProgress run_swarm(const Scenario& scenario, const SwarmOptions& options, ResultsStore& store,
                        const std::function<void(const SwarmProgress&)>& on_progress);

void write_junit(const std::string& path, const std::string& suite, const std::vector<RunRow>& rows);

}  // namespace simlab

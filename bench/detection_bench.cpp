// Detection: for every planted bug of every system, how soon and how often
// its default scenario finds it, judged by every judge (--invariants all)
// and by the history's checker alone (--invariants none, what a user of
// real nodes or of their own system has), with BUGGIFY off and on.
//
//   detection_bench [SEEDS [JOBS [VERIFY]]]     defaults: 1000 2 20
//
// A run is the same run whichever judges watch it (the judges add no trace
// record), so one --invariants all run per seed tells both columns: "none"
// counts the seeds whose history the checker found invalid. VERIFY seeds per
// row are run again with --invariants none and must agree. Prints a Markdown
// table; `make detection` runs it (not part of `make test` or `make bench`).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/swarm.h"
#include "harness/systems/system_registry.h"

namespace {

using namespace simlab;
namespace fs = std::filesystem;

struct Tally {
  std::optional<std::uint64_t> first_any, first_history;
  std::size_t any = 0, history = 0, liveness = 0, other = 0;
  std::map<std::string, std::size_t> by_judge;
  std::map<std::uint64_t, bool> history_caught;  // per seed
};

bool caught(const RunRow& row, const std::string& judge) {
  return ("," + row.caught_by + ",").find("," + judge + ",") != std::string::npos;
}

Tally tally(const std::vector<RunRow>& rows) {
  Tally result;
  for (const RunRow& row : rows) {
    const bool by_history = caught(row, "history");
    result.history_caught[row.seed] = by_history;
    if (!row.caught_by.empty()) {
      ++result.any;
      if (!result.first_any || row.seed < *result.first_any) result.first_any = row.seed;
    }
    if (by_history) {
      ++result.history;
      if (!result.first_history || row.seed < *result.first_history)
        result.first_history = row.seed;
    }
    for (const char* judge : {"history", "nodes", "observer"})
      result.by_judge[judge] += caught(row, judge);
    result.liveness += row.verdict == "liveness-failure";
    result.other += row.verdict != "valid" && row.verdict != "safety-violation" &&
                    row.verdict != "liveness-failure";
  }
  return result;
}

std::vector<RunRow> swarm_rows(const Scenario& scenario, std::uint64_t seeds, unsigned jobs,
                               InvariantJudges judges, const fs::path& dir,
                               const std::string& name) {
  SwarmOptions options;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) options.seeds.push_back(seed);
  options.jobs = jobs;
  options.out_dir = (dir / (name + "-runs")).string();
  options.run.invariants = judges;
  fs::remove(dir / (name + ".db"));
  ResultsStore store((dir / (name + ".db")).string());
  run_swarm(scenario, options, store, [](const SwarmProgress&) {});
  return store.rows();
}

std::string per_thousand(std::size_t count, std::uint64_t seeds) {
  return fmt::format("{:.0f}", 1000.0 * static_cast<double>(count) / static_cast<double>(seeds));
}

std::string first(const std::optional<std::uint64_t>& seed) {
  return seed ? std::to_string(*seed) : "-";
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t seeds = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000;
  const unsigned jobs = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 2;
  const std::uint64_t verify = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20;
  const fs::path dir = fs::temp_directory_path() / fmt::format("simlab-detection-{}", getpid());
  fs::create_directories(dir);
  std::printf("Detection over seeds 1..%llu of each system's default scenario (swarm on)\n\n",
              static_cast<unsigned long long>(seeds));
  std::printf(
      "| system | bug | buggify | all: first | all: per 1000 | none: first | none: per 1000 | "
      "history / nodes / observer | liveness | none agrees "
      "|\n|---|---|---|---|---|---|---|---|---|---|\n");
  const auto start = std::chrono::steady_clock::now();
  for (const SystemEntry& system : systems()) {
    for (const PlantedBug& bug : system.bugs) {
      for (const bool buggify : {false, true}) {
        Scenario scenario =
            scenario_from_flags({"", std::string(system.name), "", std::string(bug.name)});
        scenario.swarm = true;
        scenario.buggify = buggify;
        const std::string name = fmt::format("{}-{}", bug.name, buggify ? "on" : "off");
        const Tally all = tally(swarm_rows(scenario, seeds, jobs, InvariantJudges::all, dir, name));
        const Tally none = tally(swarm_rows(scenario, std::min(seeds, verify), jobs,
                                            InvariantJudges::none, dir, name + "-none"));
        std::size_t agree = 0;
        for (const auto& [seed, by_history] : none.history_caught)
          agree += all.history_caught.at(seed) == by_history;
        std::printf("| %s | %s | %s | %s | %s | %s | %s | %zu / %zu / %zu | %zu | %zu of %zu |\n",
                    std::string(system.name).c_str(), std::string(bug.name).c_str(),
                    buggify ? "on" : "off", first(all.first_any).c_str(),
                    per_thousand(all.any, seeds).c_str(), first(all.first_history).c_str(),
                    per_thousand(all.history, seeds).c_str(), all.by_judge.at("history"),
                    all.by_judge.at("nodes"), all.by_judge.at("observer"), all.liveness, agree,
                    none.history_caught.size());
        std::fflush(stdout);
      }
    }
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\n%.0f s wall with %u jobs\n", wall_s, jobs);
  fs::remove_all(dir);
  return 0;
}

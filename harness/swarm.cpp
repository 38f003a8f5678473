#include "harness/swarm.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/run/run_folder.h"
#include "harness/run/run_scenario.h"
#include "sim/hash.h"

namespace simlab {
namespace {

using Clock = std::chrono::steady_clock;

struct Worker {
  pid_t pid;
  std::uint64_t seed;
  Clock::time_point started;
};

// One folder per swarm under --out, so two swarms sharing --out never
// overwrite each other's runs.
std::string folder_for(const SwarmOptions& options, const std::string& swarm, std::uint64_t seed) {
  return fmt::format("{}/{}/seed-{}", options.out_dir, swarm, seed);
}

// In the child: run one seed, write its folder, exit with the verdict's code.
[[noreturn]] void run_child(const Scenario& scenario, std::uint64_t seed, const std::string& folder,
                            bool keep_passing) {
  int code = 70;
  try {
    RunOutcome outcome = simulate_scenario(resolve_scenario(scenario, seed));
    write_run_inputs(folder, outcome);  // kept even if the checker crashes
    judge_outcome(outcome);
    write_run_folder(folder, outcome, keep_passing || outcome.verdict != RunVerdict::valid);
    code = run_verdict_exit_code(outcome.verdict);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "seed %llu: %s\n", static_cast<unsigned long long>(seed), error.what());
  }
  std::fflush(nullptr);
  _exit(code);
}

RunRow row_from_folder(const Scenario& scenario, const std::string& key, std::uint64_t seed,
                       const std::string& folder) {
  RunRow row;
  row.scenario_key = key;
  row.seed = seed;
  row.system = scenario.system;
  row.scenario = scenario.name;
  row.workload = scenario.workload;
  row.bug = scenario.bug;
  row.run_dir = folder;
  row.replay = replay_command(folder);
  std::ifstream in(folder + "/result.json");
  nlohmann::json result;
  if (!in || !(in >> result) || !result.is_object()) {
    row.verdict = "crash";
    row.exit_code = 70;
    row.detail = "the worker wrote no result";
    return row;
  }
  row.workload = result.value("workload", row.workload);
  row.verdict = result.value("verdict", "internal-error");
  row.exit_code = result.value("exit_code", 70);
  row.anomaly = result.value("anomaly", "");
  row.detail = result.value("detail", "");
  row.trace_hash = result.value("trace_hash", "");
  row.ops = result.value("ops", std::int64_t{0});
  row.events = result.value("events", std::int64_t{0});
  row.simulated_ns = result.value("simulated_ns", std::int64_t{0});  // int64: an int default would truncate
  row.wall_ms = result.value("wall_ms", 0.0);
  std::set<std::string> kinds;
  for (const auto& fault : result.value("faults", nlohmann::json::array())) kinds.insert(fault.value("kind", ""));
  for (const auto& kind : kinds) row.fault_kinds += (row.fault_kinds.empty() ? "" : ",") + kind;
  return row;
}

void account(SwarmProgress& progress, const RunRow& row) {
  ++progress.done;
  ++progress.by_verdict[row.verdict];
  std::size_t start = 0;
  while (start < row.fault_kinds.size()) {
    const std::size_t comma = row.fault_kinds.find(',', start);
    const std::size_t end = comma == std::string::npos ? row.fault_kinds.size() : comma;
    ++progress.fault_kind_runs[row.fault_kinds.substr(start, end - start)];
    start = end + 1;
  }
  if (row.verdict == "valid") return;
  ++progress.failures;
  ++progress.failures_by_bug[row.bug.empty() ? "(none)" : row.bug];
  progress.latest_failures.push_back(row);
  if (progress.latest_failures.size() > 10) progress.latest_failures.erase(progress.latest_failures.begin());
}

}  // namespace

std::string scenario_key(const Scenario& scenario) {
  nlohmann::json json = scenario_to_json(scenario);
  json.erase("seed");
  return fmt::format("{:016x}", sim::name_hash64(json.dump()));
}

std::vector<std::uint64_t> parse_seed_range(const std::string& range) {
  const auto dots = range.find("..");
  try {
    std::size_t used = 0;
    const std::uint64_t first = std::stoull(range.substr(0, dots), &used);
    if (dots == std::string::npos) {
      if (used != range.size()) throw std::invalid_argument("");
      return {first};
    }
    const std::string tail = range.substr(dots + 2);
    const std::uint64_t last = std::stoull(tail, &used);
    if (used != tail.size() || last < first || last - first >= 100'000'000) throw std::invalid_argument("");
    std::vector<std::uint64_t> seeds;
    for (std::uint64_t seed = first; seed <= last; ++seed) seeds.push_back(seed);
    return seeds;
  } catch (const std::exception&) {
    throw std::invalid_argument(fmt::format("--seeds: expected N or A..B with A <= B, got '{}'", range));
  }
}

std::vector<std::uint64_t> shard_seeds(const std::vector<std::uint64_t>& seeds, const std::string& shard) {
  if (shard.empty()) return seeds;
  unsigned index = 0, count = 0;
  char slash = 0;
  if (std::sscanf(shard.c_str(), "%u%c%u", &index, &slash, &count) != 3 || slash != '/' || count == 0 ||
      index >= count) {
    throw std::invalid_argument(fmt::format("--shard: expected K/N with 0 <= K < N, got '{}'", shard));
  }
  std::vector<std::uint64_t> mine;
  for (std::size_t i = index; i < seeds.size(); i += count) mine.push_back(seeds[i]);
  return mine;
}

SwarmProgress run_swarm(const Scenario& scenario, const SwarmOptions& options, ResultsStore& store,
                        const std::function<void(const SwarmProgress&)>& on_progress) {
  const std::string key = scenario_key(scenario);
  const std::string swarm = fmt::format("{}-{}", scenario.name, key.substr(0, 8));
  const std::set<std::uint64_t> recorded = store.recorded_seeds(key);
  std::vector<std::uint64_t> pending;
  for (std::uint64_t seed : options.seeds) {
    if (!recorded.contains(seed)) pending.push_back(seed);
  }
  SwarmProgress progress;
  progress.total = options.seeds.size();
  progress.skipped = options.seeds.size() - pending.size();
  std::filesystem::create_directories(options.out_dir);
  const auto start = Clock::now();
  std::vector<Worker> workers;
  std::size_t next = 0;
  bool stopping = false;
  while ((!stopping && next < pending.size()) || !workers.empty()) {
    while (!stopping && next < pending.size() && workers.size() < std::max(1u, options.jobs)) {
      const std::uint64_t seed = pending[next++];
      const std::string folder = folder_for(options, swarm, seed);
      std::filesystem::remove_all(folder);
      std::fflush(nullptr);
      const pid_t pid = fork();
      if (pid < 0) throw std::runtime_error("swarm: fork failed");
      if (pid == 0) run_child(scenario, seed, folder, options.keep_passing);
      workers.push_back(Worker{pid, seed, Clock::now()});
    }
    bool reaped = false;
    for (auto it = workers.begin(); it != workers.end();) {
      int status = 0;
      const pid_t done = waitpid(it->pid, &status, WNOHANG);
      const double age_s = std::chrono::duration<double>(Clock::now() - it->started).count();
      if (done == 0 && age_s < options.run_timeout_s) {
        ++it;
        continue;
      }
      if (done == 0) {  // a hang: the seed fails, the swarm goes on
        kill(it->pid, SIGKILL);
        waitpid(it->pid, &status, 0);
      }
      const std::string folder = folder_for(options, swarm, it->seed);
      RunRow row = row_from_folder(scenario, key, it->seed, folder);
      if (done == 0) {
        row.verdict = "timeout";
        row.exit_code = 70;
        row.detail = fmt::format("no result within {}s of wall time", options.run_timeout_s);
      } else if (WIFSIGNALED(status)) {
        row.verdict = "crash";
        row.exit_code = 70;
        row.detail = fmt::format("the worker died of signal {}", WTERMSIG(status));
      }
      if (row.verdict == "valid" && !options.keep_passing) {
        std::filesystem::remove_all(folder);
        row.run_dir.clear();
      }
      store.record(row);
      account(progress, row);
      stopping = stopping || (options.stop_on_failure && row.verdict != "valid");
      it = workers.erase(it);
      reaped = true;
    }
    progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    if (reaped) on_progress(progress);
    if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  return progress;
}

namespace {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') ? ' ' : c;
    }
  }
  return out;
}

}  // namespace

void write_junit(const std::string& path, const std::string& suite, const std::vector<RunRow>& rows) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the JUnit report", path));
  std::size_t failures = 0;
  for (const auto& row : rows) failures += row.verdict != "valid";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n", xml_escape(suite), rows.size(), failures);
  for (const auto& row : rows) {
    out << fmt::format("  <testcase classname=\"{}\" name=\"seed {}\" time=\"{:.3f}\">", xml_escape(row.system),
                       row.seed, row.wall_ms / 1000);
    if (row.verdict != "valid") {
      out << fmt::format("<failure message=\"{} {}\">{}\n{}</failure>", xml_escape(row.verdict),
                         xml_escape(row.anomaly), xml_escape(row.detail), xml_escape(row.replay));
    }
    out << "</testcase>\n";
  }
  out << "</testsuite>\n";
}

}  // namespace simlab

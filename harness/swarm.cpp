#include "harness/swarm.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "harness/run/real_run.h"
#include "harness/run/run_folder.h"
#include "harness/run/run_row.h"
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
RunOutcome drive(const Scenario& resolved, const SwarmOptions& options, const std::string& folder) {
  if (!options.real) return simulate_scenario(resolved, options.run);
  return run_real(resolved, options.run, RealRunOptions{folder + "/nodes", own_binary()});
}

[[noreturn]] void run_child(const Scenario& scenario, std::uint64_t seed, const std::string& folder,
                            const SwarmOptions& options) {
  int code = 70;
  const bool keep_passing = options.keep_passing;
  try {
    RunOutcome outcome = drive(resolve_scenario(scenario, seed), options, folder);
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

std::string scenario_key(const Scenario& scenario, const RunOptions& options, bool real) {
  nlohmann::json json = scenario_to_json(scenario);
  json.erase("seed");
  // Judged by other judges, the same seeds are other results.
  if (options.invariants != InvariantJudges::all || options.stop_at_first_violation) {
    json["judges"] = {invariant_judges_name(options.invariants), options.stop_at_first_violation};
  }
  if (real) json["driver"] = "real";
  return fmt::format("{:016x}", sim::name_hash64(json.dump()));
}

namespace {

// Digits only: std::stoull would read "-1" as 2^64 - 1.
std::optional<std::uint64_t> parse_unsigned(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

std::uint64_t parse_seed(const std::string& text, const std::string& flag) {
  const auto seed = parse_unsigned(text);
  if (!seed)
    throw std::invalid_argument(
        fmt::format("{}: expected a seed from 0 to {}, got '{}'", flag, UINT64_MAX, text));
  return *seed;
}

std::vector<std::uint64_t> parse_seed_range(const std::string& range) {
  const auto dots = range.find("..");
  const auto first = parse_unsigned(range.substr(0, dots));
  const auto last = dots == std::string::npos ? first : parse_unsigned(range.substr(dots + 2));
  if (!first || !last || *last < *first || *last - *first >= 100'000'000) {
    throw std::invalid_argument(fmt::format(
        "--seeds: expected N or A..B with 0 <= A <= B and at most 100000000 seeds, got '{}'",
        range));
  }
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = *first;; ++seed) {
    seeds.push_back(seed);
    if (seed == *last) break;
  }
  return seeds;
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
  const std::string key = scenario_key(scenario, options.run, options.real);
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
    const unsigned jobs =
        options.real ? 1u : std::max(1u, options.jobs);  // real nodes share one machine's network
    while (!stopping && next < pending.size() && workers.size() < jobs) {
      const std::uint64_t seed = pending[next++];
      const std::string folder = folder_for(options, swarm, seed);
      std::filesystem::remove_all(folder);
      std::fflush(nullptr);
      const pid_t pid = fork();
      if (pid < 0) throw std::runtime_error("swarm: fork failed");
      if (pid == 0) run_child(scenario, seed, folder, options);
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
      RunRow row = run_row(scenario, key, it->seed, folder, read_result_json(folder));
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

// Prints time and peak memory of the linearizability checker on every
// Porcupine testdata history and on generated ones (issue 3's goals: all 102
// etcd logs < 0.15 s together, each c50 kv file < 50 ms, 1M ops < 3 s and
// 2 GiB, a 5,000-op unique-value register with 50 processes < 1 s).
// Each case runs in a forked child so its peak RSS (ru_maxrss) is its own.
// Run from the project root: build/bench/checker_linearizability_bench
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "checkers/history/history_format.h"
#include "checkers/history/jsonl_writer.h"
#include "checkers/linearizability/checker.h"
#include "checkers/linearizability/synthetic_history.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Runs `body` in a child process so the printed peak memory is the case's own.
void run_case(const std::function<void()>& body) {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    body();
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::printf("  (case failed, status %d)\n", status);
}

linearizability::CheckResult check(const history::History& history, const char* model, bool fast_path = true) {
  linearizability::CheckOptions options;
  options.fast_path = fast_path;
  return linearizability::check_linearizability(history, *linearizability::make_model_factory(model, {}), options);
}

void print_row(const std::string& name, std::size_t ops, const linearizability::CheckResult& result, double read_s,
               double check_s) {
  std::printf("%-44s %9zu ops  %-8s read %8.4f s  check %8.4f s  peak %7.1f MiB  (fast-path keys %zu, searched %zu)\n",
              name.c_str(), ops, std::string(linearizability::verdict_name(result.verdict)).c_str(), read_s, check_s,
              peak_rss_mib(), result.stats.fast_path_partitions, result.stats.searched_partitions);
}

void bench_file(const std::string& path, const char* model, double* total_check_s) {
  const auto read_start = Clock::now();
  const std::string text = history::read_file(path);
  const auto history = history::read_history(text, history::detect_format(text, path), path);
  const double read_s = seconds_since(read_start);
  const auto start = Clock::now();
  const auto result = check(history, model);
  const double check_s = seconds_since(start);
  if (total_check_s) *total_check_s += check_s;
  print_row(path.substr(path.rfind('/') + 1), history.size(), result, read_s, check_s);
}

void bench_etcd() {
  std::printf("== ../shared/testdata/porcupine/jepsen (cas-register)\n");
  std::ifstream expected("../shared/testdata/porcupine/jepsen/EXPECTED.txt");
  std::string file;
  std::string verdict;
  run_case([&] {
    double total_s = 0;
    const auto start = Clock::now();
    while (expected >> file >> verdict) bench_file("../shared/testdata/porcupine/jepsen/" + file, "cas-register", &total_s);
    std::printf("all 102 etcd logs: check %.4f s, read + check %.4f s, peak %.1f MiB\n", total_s, seconds_since(start),
                peak_rss_mib());
  });
}

void bench_kv() {
  std::printf("== ../shared/testdata/porcupine/kv (kv)\n");
  for (const char* name : {"c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"}) {
    run_case([&] { bench_file(std::string("../shared/testdata/porcupine/kv/") + name + ".txt", "kv", nullptr); });
  }
}

void bench_generated(const std::string& name, const linearizability::SyntheticOptions& options, const char* model,
                     bool fast_path, bool through_jsonl) {
  run_case([&] {
    history::History history = linearizability::make_synthetic_history(options);
    double read_s = 0;
    if (through_jsonl) {  // measure the JSONL reader on the same history
      const std::string path = "/tmp/simlab_checker_bench_" + std::to_string(getpid()) + ".jsonl";
      {
        std::ofstream out(path);
        history::write_jsonl(history, out);
      }
      history.clear();
      history.shrink_to_fit();
      const auto read_start = Clock::now();
      history = history::read_history(history::read_file(path), history::Format::jsonl, path);
      read_s = seconds_since(read_start);
      std::remove(path.c_str());
    }
    const auto start = Clock::now();
    const auto result = check(history, model, fast_path);
    print_row(name, history.size(), result, read_s, seconds_since(start));
  });
}

linearizability::SyntheticOptions generated(int ops, int keys, bool unique) {
  linearizability::SyntheticOptions options;
  options.seed = 42;
  options.model = linearizability::SyntheticModel::cas_register;
  options.processes = 50;
  options.ops = ops;
  options.keys = keys;
  options.unique_values = unique;
  options.info_probability = 0.01;
  options.fail_probability = 0.02;
  return options;
}

}  // namespace

int main() {
  bench_etcd();
  bench_kv();
  std::printf("== generated cas-register histories, 50 processes, 1%% info, 1,000 keys\n");
  for (const int ops : {10'000, 100'000, 1'000'000}) {
    const std::string size = std::to_string(ops / 1000) + "k";
    bench_generated(size + " ops, unique values (fast path)", generated(ops, 1000, true), "cas-register", true, true);
    bench_generated(size + " ops, unique values, search only", generated(ops, 1000, true), "cas-register", false, false);
    bench_generated(size + " ops, values 0-4 (search)", generated(ops, 1000, false), "cas-register", true, false);
  }
  std::printf("== one register, unique values, 50 processes, 5,000 ops, 1%% info\n");
  auto single = generated(5000, 0, true);
  single.model = linearizability::SyntheticModel::register_rw;
  single.fail_probability = 0;
  bench_generated("5k-op register (fast path)", single, "register", true, false);
  return 0;
}

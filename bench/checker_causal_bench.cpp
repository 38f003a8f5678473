// The causal checker (checkers/causal) on a 100,000-op register history,
// parsing and I/O included (issue 16's goal: under 2 s). The bench writes a
// JSONL history of 50 processes reading and writing 8 keys (a write in four
// ops, unique values) as a causally consistent store would serve them: the
// writes form one log, each process has seen a prefix of it that grows by a
// random lag, and a process's own write extends its prefix to it, so every
// read returns the latest write of its key the process has seen (a prefix
// of one order that holds every session: causal, even sequential). It then
// times what `simlab check --model causal FILE` does: read, parse, check;
// the verdict must be valid. One log is also one arbitration order, so
// `--model ccv` (timed apart, the check alone) must call it valid too.
// Run from the project root: build/bench/checker_causal_bench [ops [processes]]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "checkers/causal/causal_checker.h"
#include "checkers/history/history_format.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

constexpr int kKeys = 8;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Write {
  int key = 0;
  std::int64_t value = 0;
};

// The latest write of `key` among the first `seen` writes of the log, or
// 0 (nil) when none.
std::int64_t latest(const std::vector<std::vector<std::size_t>>& by_key,
                    const std::vector<Write>& log, int key, std::size_t seen) {
  const auto& positions = by_key[static_cast<std::size_t>(key)];
  const auto after = std::lower_bound(positions.begin(), positions.end(), seen);
  return after == positions.begin() ? 0 : log[*std::prev(after)].value;
}

void write_history(const std::string& path, long ops, int processes) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) throw std::runtime_error("cannot write " + path);
  std::mt19937_64 random(7);
  std::vector<Write> log;
  std::vector<std::vector<std::size_t>> by_key(kKeys);
  std::vector<std::size_t> seen(static_cast<std::size_t>(processes), 0);
  long index = 0;
  const auto line = [&](int process, const char* type, const char* f, int key,
                        const std::string& value) {
    std::fprintf(out,
                 "{\"index\":%ld,\"time\":%ld,\"process\":%d,\"type\":\"%s\",\"f\":\"%s\","
                 "\"key\":\"k%d\",\"value\":%s}\n",
                 index, index * 1000, process, type, f, key, value.c_str());
    ++index;
  };
  for (long op = 0; op < ops; ++op) {
    const int process = static_cast<int>(random() % static_cast<unsigned>(processes));
    std::size_t& prefix = seen[static_cast<std::size_t>(process)];
    prefix = std::min(log.size(), prefix + random() % 64);  // what reached its replica
    const int key = static_cast<int>(random() % kKeys);
    if (random() % 4 == 0) {
      const std::int64_t value = static_cast<std::int64_t>(log.size()) + 1;
      by_key[static_cast<std::size_t>(key)].push_back(log.size());
      log.push_back(Write{key, value});
      prefix = log.size();
      line(process, "invoke", "write", key, std::to_string(value));
      line(process, "ok", "write", key, std::to_string(value));
    } else {
      const std::int64_t value = latest(by_key, log, key, prefix);
      line(process, "invoke", "read", key, "null");
      line(process, "ok", "read", key, value == 0 ? "null" : std::to_string(value));
    }
  }
  std::fclose(out);
}

}  // namespace

int main(int argc, char** argv) {
  const long ops = argc > 1 ? std::atol(argv[1]) : 100'000;
  const int processes = argc > 2 ? std::atoi(argv[2]) : 50;
  const std::string path =
      (std::filesystem::temp_directory_path() / "simlab_causal_bench.jsonl").string();
  write_history(path, ops, processes);
  const double file_mib = static_cast<double>(std::filesystem::file_size(path)) / (1 << 20);
  const auto start = Clock::now();
  const history::History history =
      history::read_history(history::read_file(path), history::Format::jsonl, path);
  const double read_s = seconds_since(start);
  const causal::CausalResult result = causal::check_causal(history);
  const double total_s = seconds_since(start);
  const auto ccv_start = Clock::now();
  const causal::CausalResult ccv = causal::check_causal(history, causal::Scope::ccv);
  const double ccv_s = seconds_since(ccv_start);
  std::filesystem::remove(path);
  std::printf("causal checker: %ld ops (%d processes, %d keys, %.1f MiB of JSONL)\n", ops,
              processes, kKeys, file_mib);
  std::printf("  read and parse %.3f s, check %.3f s, total %.3f s (goal: under 2 s)\n", read_s,
              total_s - read_s, total_s);
  std::printf("  verdict: %s, %zu reads, %zu writes\n",
              std::string(linearizability::verdict_name(result.verdict)).c_str(), result.reads,
              result.writes);
  std::printf("  --model ccv on the same history: check %.3f s, verdict %s\n", ccv_s,
              std::string(linearizability::verdict_name(ccv.verdict)).c_str());
  return result.verdict == causal::Verdict::valid && ccv.verdict == causal::Verdict::valid ? 0 : 1;
}

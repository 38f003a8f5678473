// The queue checker (checkers/queue) on a 1,000,000-message history, parsing
// and I/O included (issue 15's goal: under 2 s and 1 GiB). The bench writes
// a JSONL history in the shape the log workload records: 10 producer
// processes send 1,000,000 acknowledged messages round-robin over 10 keys,
// and 5 consumer processes, each assigned 2 keys, poll every record once,
// 16 per poll, as the sends come in. It then times what
// `simlab check --model queue FILE` does (harness/commands/cmd_check_queue.cpp):
// read the file, parse it, compile it into sends and polls, check it.
// The file is written just before it is read, so it comes from the page
// cache; it is deleted afterwards.
// Run from the project root: build/bench/checker_queue_bench [messages [general]]
// (general: also time the general reader, as EDN files are read, for comparison).
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "checkers/history/history_format.h"
#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_explanation.h"
#include "checkers/queue/queue_history.h"
#include "checkers/queue/queue_jsonl_reader.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

constexpr int kKeys = 10;
constexpr int kProducers = 10;
constexpr int kConsumers = 5;  // each polls kKeys / kConsumers keys
constexpr int kRecordsPerPoll = 16;
constexpr int kSendsPerRound = kKeys * kRecordsPerPoll;  // then every key has one poll's worth
static_assert(kKeys % kConsumers == 0);

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Writes the history's lines with their index and time, as write_jsonl would.
class HistoryWriter {
 public:
  explicit HistoryWriter(std::FILE* out) : out_(out) {}
  std::int64_t lines() const { return index_; }

  void send(int process, int key, std::int64_t offset, std::int64_t value) {
    start(process, "invoke", "send", key);
    std::fprintf(out_, "[[\"send\",%d,%lld]]}\n", key, static_cast<long long>(value));
    start(process, "ok", "send", key);
    std::fprintf(out_, "[[\"send\",%d,[%lld,%lld]]]}\n", key, static_cast<long long>(offset),
                 static_cast<long long>(value));
  }

  void assign(int process, int first_key, int keys) {
    for (const char* type : {"invoke", "ok"}) {
      start(process, type, "assign", -1);
      for (int i = 0; i < keys; ++i) std::fprintf(out_, "%s%d", i == 0 ? "[" : ",", first_key + i);
      std::fprintf(out_, "]}\n");
    }
  }

  // Reads `key` from `first` to `end` (offsets), whose values `values` holds.
  void poll(int process, int key, std::int64_t first, std::int64_t end,
            const std::int64_t* values) {
    start(process, "invoke", "poll", key);
    std::fprintf(out_, "[[\"poll\"]]}\n");
    start(process, "ok", "poll", key);
    std::fprintf(out_, "[[\"poll\",[[%d,[", key);
    for (std::int64_t offset = first; offset < end; ++offset) {
      std::fprintf(out_, "%s[%lld,%lld]", offset == first ? "" : ",",
                   static_cast<long long>(offset), static_cast<long long>(values[offset - first]));
    }
    std::fprintf(out_, "]]]]]}\n");
  }

 private:
  // Everything up to the value: {"index":..,"time":..,...,"value":
  void start(int process, const char* type, const char* f, int key) {
    std::fprintf(out_, "{\"index\":%lld,\"time\":%lld,\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",",
                 static_cast<long long>(index_), static_cast<long long>(index_) * 1000, process,
                 type, f);
    if (key >= 0) std::fprintf(out_, "\"key\":%d,", key);
    std::fprintf(out_, "\"value\":");
    ++index_;
  }

  std::FILE* out_;
  std::int64_t index_ = 0;
};

// Every round sends kSendsPerRound messages (message i to key i % kKeys,
// from producer (i / kKeys) % kProducers, so each producer sends to every
// key), then each consumer polls what its keys got. Returns the lines.
std::int64_t write_history(const std::string& path, std::int64_t messages) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::perror(path.c_str());
    std::exit(73);  // EX_CANTCREAT
  }
  HistoryWriter writer(out);
  constexpr int kKeysPerConsumer = kKeys / kConsumers;
  for (int consumer = 0; consumer < kConsumers; ++consumer)
    writer.assign(kProducers + consumer, consumer * kKeysPerConsumer, kKeysPerConsumer);
  std::array<std::int64_t, kKeys> log_end{};   // the next offset of each key
  std::array<std::int64_t, kKeys> position{};  // the consumers' next offset of each key
  std::array<std::array<std::int64_t, kRecordsPerPoll>, kKeys> unread{};  // values from position
  for (std::int64_t sent = 0; sent < messages;) {
    for (int i = 0; i < kSendsPerRound && sent < messages; ++i, ++sent) {
      const int key = static_cast<int>(sent % kKeys);
      unread[key][log_end[key] - position[key]] = sent;
      writer.send(static_cast<int>(sent / kKeys % kProducers), key, log_end[key]++, sent);
    }
    for (int key = 0; key < kKeys; ++key) {
      if (position[key] == log_end[key]) continue;
      writer.poll(kProducers + key / kKeysPerConsumer, key, position[key], log_end[key],
                  unread[key].data());
      position[key] = log_end[key];
    }
  }
  std::fclose(out);
  return writer.lines();
}

struct Phases {
  double io_s = 0;
  double read_s = 0;     // parsing, and for the general reader its history::History
  double compile_s = 0;  // zero for the JSONL reader, which compiles as it reads
  double check_s = 0;
  std::size_t ops = 0;  // compiled queue ops
  queue::QueueCheckResult result;
};

// What `simlab check --model queue` does with a JSONL file (its fast reader,
// queue_jsonl_reader.h).
Phases check_fast(const std::string& path) {
  Phases phases;
  const auto start = Clock::now();
  std::string text = history::read_file(path);
  phases.io_s = seconds_since(start);
  std::optional<queue::QueueHistory> history = queue::read_queue_jsonl(text);
  phases.read_s = seconds_since(start) - phases.io_s;
  if (!history) throw std::runtime_error(path + ": the JSONL queue reader gave up on it");
  phases.ops = history->ops.size();
  const auto check_start = Clock::now();
  phases.result = queue::check_queue(*history);
  phases.check_s = seconds_since(check_start);
  return phases;
}

// The general way (history::read_history, then compile_queue_history): what
// an EDN file goes through, and what JSONL went through before.
Phases check_general(const std::string& path) {
  Phases phases;
  const auto start = Clock::now();
  const std::string text = history::read_file(path);
  phases.io_s = seconds_since(start);
  const history::History ops =
      history::read_history(text, history::detect_format(text, path), path);
  phases.read_s = seconds_since(start) - phases.io_s;
  const auto compile_start = Clock::now();
  const queue::CompiledQueue compiled = queue::compile_queue_history(ops);
  phases.compile_s = seconds_since(compile_start);
  if (compiled.error) throw std::runtime_error(path + ": " + compiled.error->what);
  phases.ops = compiled.history.ops.size();
  const auto check_start = Clock::now();
  phases.result = queue::check_queue(compiled.history);
  phases.check_s = seconds_since(check_start);
  return phases;
}

bool print(const char* name, const Phases& phases, double file_mb, std::int64_t messages) {
  const double total_s = phases.io_s + phases.read_s + phases.compile_s + phases.check_s;
  std::printf("  %s: file I/O %.3f s, read %.3f s, compile %.3f s, check %.3f s (%zu ops)\n", name,
              phases.io_s, phases.read_s, phases.compile_s, phases.check_s, phases.ops);
  std::printf("    total %.3f s = %.0f MB/s (goal < 2 s), peak RSS so far %.1f MiB (goal < 1024)\n",
              total_s, file_mb / total_s, peak_rss_mib());
  std::printf("    verdict: %s", queue::explain_text(phases.result).c_str());
  const queue::QueueCheckResult& result = phases.result;
  const bool expected =
      result.valid && result.acknowledged_sends == static_cast<std::size_t>(messages) &&
      result.polled_records == static_cast<std::size_t>(messages) && result.unseen == 0;
  if (!expected) std::printf("    expected valid, every message acknowledged and polled once\n");
  return expected;
}

int run(const std::string& path, std::int64_t messages, bool general) {
  const std::int64_t lines = write_history(path, messages);
  const double file_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::printf(
      "queue checker, %lld messages over %d keys (%d producers, %d consumers, %d per poll)\n",
      static_cast<long long>(messages), kKeys, kProducers, kConsumers, kRecordsPerPoll);
  std::printf("  file: %.1f MB JSONL, %lld lines; peak RSS before reading %.1f MiB\n", file_mb,
              static_cast<long long>(lines), peak_rss_mib());
  bool expected = print("simlab check (JSONL reader)", check_fast(path), file_mb, messages);
  if (general) expected &= print("general reader", check_general(path), file_mb, messages);
  return expected ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t messages = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const bool general = argc > 2 && std::string(argv[2]) == "general";
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("simlab_checker_queue_bench_" + std::to_string(getpid()) + ".jsonl");
  int status = 1;
  try {
    status = run(path.string(), messages, general);
  } catch (const std::exception& error) {
    std::printf("%s\n", error.what());
  }
  std::filesystem::remove(path);
  return status;
}

// Commit log simulation speed (issue 15): 3 brokers, 6 partitions, 15
// clients, 20 simulated seconds of faults (swarm off: every kind of
// scenarios/log-default.json at its rate) and the liveness phase. Issue 15
// asks for about 5,000 messages per simulated second; the bench prints the
// acknowledged messages per simulated second it reached and the sends' latency,
// which caps the rate (one op in flight per client). Prints the wall time,
// how many times faster than real time the simulation ran (goal: at least
// 300x) and the kernel's events per wall second. Only the simulation is
// timed: the history is not judged (the queue checker has its own bench,
// checker_queue_bench).
// The scenario's workload_options give the 15 client slots the roles
// producer, producer, consumer in turn (harness/systems/log_workload_options.h):
// 10 producers (half of them transactional, as the workload draws) and 5
// consumers, as issue 15 asks, printed as counted. Messages are the values
// of acknowledged sends and of committed transactions.
// Usage, from the project root:
//   log_cluster_bench [seeds] [--faults-off] [--think-ms-max N]
// (default 3 seeds, faults on, think_ms_max kThinkMsMax).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "harness/run/run_scenario.h"
#include "harness/systems/log_workload_options.h"
#include "workloads/log_workload.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kSafetyMs = 20'000;
constexpr std::uint32_t kClients = 15;
// Each client has one op in flight, so the sends' latency (printed), not
// the think time, caps the rate: 2 ms gives about the rate of 0 ms without
// consumers polling empty partitions in a tight loop.
constexpr std::int64_t kThinkMsMax = 2;
// Producers batch as Kafka's do (batch.size): a send op is up to three
// batches of this many values.
constexpr std::uint32_t kBatchRecordsMax = 16;

struct BenchFlags {
  int seeds = 3;
  bool faults = true;
  std::int64_t think_ms_max = kThinkMsMax;
  std::uint32_t batch_records_max = kBatchRecordsMax;
};

BenchFlags parse_flags(int argc, char** argv) {
  BenchFlags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--faults-off") {
      flags.faults = false;
    } else if (arg == "--think-ms-max" && i + 1 < argc) {
      flags.think_ms_max = std::atoll(argv[++i]);
    } else if (arg == "--batch-records-max" && i + 1 < argc) {
      flags.batch_records_max = static_cast<std::uint32_t>(std::atoi(argv[++i]));
    } else {
      flags.seeds = std::atoi(argv[i]);
    }
  }
  return flags;
}

Scenario bench_scenario(const BenchFlags& flags) {
  // Relative: the bench runs from the project root, as `make bench` runs it.
  Scenario scenario = load_scenario("scenarios/log-default.json");
  scenario.name = "log-cluster-bench";
  scenario.nodes = 3;
  scenario.clients = kClients;
  scenario.think_ms_max = flags.think_ms_max;
  scenario.safety_ms = kSafetyMs;
  scenario.liveness_ms = 5'000;
  scenario.swarm = false;  // every fault kind, at the scenario's rates
  if (!flags.faults) scenario.faults = faults::FaultMix{};
  scenario.system_options["log"]["partitions"] = 6u;  // unsigned, as a JSON file's 6 reads
  scenario.system_options["log"]["replication_factor"] = 3u;
  scenario.workload_options["roles"] = {"producer", "producer", "consumer"};
  scenario.workload_options["batch_records_max"] = flags.batch_records_max;
  return scenario;
}

struct Totals {
  double wall_s = 0;
  double simulated_s = 0;
  std::uint64_t events = 0;
  std::size_t acknowledged_sends = 0;
  std::size_t acknowledged_messages = 0;  // values of ok sends and of committed txns
  double send_latency_ms_sum = 0;  // invocation to ok, over the acknowledged sends
  std::size_t ok_polls = 0;
  std::size_t polled_records = 0;
  int not_valid = 0;
};

// The send micro-ops of an ok send's or txn's value.
std::size_t sends_of(const history::Value& value) {
  std::size_t sends = 0;
  if (!value.is_list()) return 0;
  for (const auto& micro : value.as_list()) {
    sends += micro.is_list() && !micro.as_list().empty() && micro.as_list()[0].is_string() &&
             micro.as_list()[0].as_string() == "send";
  }
  return sends;
}

// A poll's ok value is [["poll", [[k, [[offset, v] ...]]]]].
std::size_t records_of(const history::Value& value) {
  std::size_t records = 0;
  if (!value.is_list()) return 0;
  for (const auto& micro : value.as_list()) {
    if (!micro.is_list() || micro.as_list().size() != 2 || !micro.as_list()[1].is_list()) continue;
    for (const auto& entry : micro.as_list()[1].as_list()) {
      if (entry.is_list() && entry.as_list().size() == 2 && entry.as_list()[1].is_list())
        records += entry.as_list()[1].as_list().size();
    }
  }
  return records;
}

void add_run(const RunOutcome& outcome, double wall_s, Totals& totals) {
  totals.wall_s += wall_s;
  totals.simulated_s += static_cast<double>(outcome.simulated_ns) / 1e9;
  totals.events += outcome.events;
  std::map<std::int64_t, std::int64_t> invoked_ns;  // process -> its open op's invocation
  for (const auto& op : outcome.history) {
    if (op.type == history::OpType::invoke) invoked_ns[op.process] = op.time;
    if (op.type != history::OpType::ok) continue;
    if (op.f == "send" || op.f == "txn") totals.acknowledged_messages += sends_of(op.value);
    if (op.f == "send") {
      ++totals.acknowledged_sends;
      totals.send_latency_ms_sum += static_cast<double>(op.time - invoked_ns[op.process]) / 1e6;
    }
    if (op.f != "poll") continue;  // the final drain's final-polls are not counted
    ++totals.ok_polls;
    totals.polled_records += records_of(op.value);
  }
  totals.not_valid += outcome.verdict != RunVerdict::valid;
}

}  // namespace

int main(int argc, char** argv) {
  const BenchFlags flags = parse_flags(argc, argv);
  const Scenario scenario = bench_scenario(flags);
  LogWorkloadOptions workload;
  read_log_workload_options(scenario.workload_options, workload);
  int roles[3] = {0, 0, 0};  // producers, consumers, mixed
  for (std::uint32_t slot = 0; slot < kClients; ++slot)
    ++roles[static_cast<int>(log_role(slot, workload))];
  Totals totals;
  for (int seed = 1; seed <= flags.seeds; ++seed) {
    const Scenario resolved = resolve_scenario(scenario, static_cast<std::uint64_t>(seed));
    const auto start = Clock::now();
    const RunOutcome outcome = simulate_scenario(resolved);
    add_run(outcome, std::chrono::duration<double>(Clock::now() - start).count(), totals);
  }
  std::printf(
      "log cluster (3 brokers, 6 partitions, replication 3, %u clients: %d producers, %d "
      "consumers, %d mixed; think_ms_max %lld; %s):\n",
      kClients, roles[0], roles[1], roles[2], static_cast<long long>(flags.think_ms_max),
      flags.faults ? "faults of scenarios/log-default.json, swarm off" : "faults off");
  std::printf(
      "  %d runs, %.0f simulated s: %.0f acknowledged messages/simulated s (goal ~5,000; %.0f "
      "send ops/s), %.0f ok polls/s reading %.0f records/s\n",
      flags.seeds, totals.simulated_s,
      static_cast<double>(totals.acknowledged_messages) / totals.simulated_s,
      static_cast<double>(totals.acknowledged_sends) / totals.simulated_s,
      static_cast<double>(totals.ok_polls) / totals.simulated_s,
      static_cast<double>(totals.polled_records) / totals.simulated_s);
  std::printf("  an acknowledged send takes %.1f ms on average (invocation to ok)\n",
              totals.send_latency_ms_sum / static_cast<double>(totals.acknowledged_sends));
  std::printf("  simulation: %.2f s wall = %.0fx faster than real time (goal >= 300x)\n",
              totals.wall_s, totals.simulated_s / totals.wall_s);
  std::printf("  %llu events, %.2f M events per wall second\n",
              static_cast<unsigned long long>(totals.events),
              static_cast<double>(totals.events) / totals.wall_s / 1e6);
  std::printf("  %d runs not valid (invariants and liveness only)\n", totals.not_valid);
  return totals.not_valid == 0 ? 0 : 1;
}

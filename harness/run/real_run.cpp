#include "harness/run/real_run.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "faults/nemesis.h"
#include "harness/run/workforce.h"
#include "real/client_network.h"
#include "real/cluster.h"
#include "real/fiber_loop.h"
#include "real/node_process.h"
#include "real/real_nemesis_host.h"

namespace simlab {
namespace {

namespace fs = std::filesystem;

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

// SIGINT and SIGTERM end the run early (and cleanly) while it lasts.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = 0;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

// A node that exits on its own (an assertion) is restarted after this long.
constexpr std::int64_t kAbortRestartNs = 500 * kNanosecondsPerMillisecond;
constexpr std::int64_t kSupervisePeriodNs = 50 * kNanosecondsPerMillisecond;
constexpr std::int64_t kStartupNsMax = 5 * kNanosecondsPerSecond;

std::string fresh_run_id() {
  const auto now =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return fmt::format("{:06x}", (now ^ (static_cast<std::uint64_t>(getpid()) << 20)) & 0xFFFFFF);
}

real::ClusterSpec cluster_spec(const Scenario& resolved, const RunOptions& options,
                               const RealRunOptions& real, const std::string& run_id) {
  real::ClusterSpec spec;
  spec.run_id = run_id;
  spec.nodes = resolved.nodes;
  spec.system = resolved.system;
  spec.simlab_binary = real.simlab_binary;
  spec.work_dir = real.work_dir;
  spec.seed = resolved.seed;
  spec.bug = resolved.bug;
  spec.options_json = resolved.system_options.dump();
  spec.buggify = resolved.buggify.value_or(false);
  spec.check_invariants = options.invariants != InvariantJudges::none;
  return spec;
}

// Waits until every node accepts connections (its process is up and listening).
void wait_for_nodes(const real::RealCluster& cluster) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(kStartupNsMax);
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + cluster.spec().nodes; ++node) {
    while (!real::can_connect(cluster.node_address(node), 100)) {
      if (g_interrupted) return;
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error(fmt::format("n{} did not start listening (see {}/stderr.log)",
                                             node, cluster.data_dir(node)));
      }
      usleep(10'000);
    }
  }
}

// The white-box judge of real nodes: what each node's own invariants said.
std::optional<JudgeFinding> read_findings(const real::RealCluster& cluster) {
  std::optional<JudgeFinding> first;
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + cluster.spec().nodes; ++node) {
    std::ifstream in(cluster.data_dir(node) + "/" + real::kFindingsFileName);
    std::string line;
    while (std::getline(in, line)) {
      const auto json = nlohmann::json::parse(line, nullptr, false);
      if (!json.is_object()) continue;
      JudgeFinding finding{"nodes", json.value("invariant", ""), json.value("detail", ""), node,
                           -1};
      if (!first) first = finding;
    }
  }
  return first;
}

// The systems' audit trail on real nodes: each node's file, merged by the
// nodes' clocks.
std::vector<AuditRecord> read_audit(const real::RealCluster& cluster) {
  std::vector<AuditRecord> records;
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + cluster.spec().nodes; ++node) {
    std::ifstream in(cluster.data_dir(node) + "/" + real::kAuditFileName);
    for (std::string line; std::getline(in, line);) {
      const auto json = nlohmann::json::parse(line, nullptr, false);
      if (!json.is_object()) continue;  // a line the kill cut short
      records.push_back(AuditRecord{json.value("time_ns", std::int64_t{0}), node,
                                    json.value("key", ""), json.value("entry", "")});
    }
  }
  std::stable_sort(records.begin(), records.end(), [](const AuditRecord& a, const AuditRecord& b) {
    return a.time_ns < b.time_ns;
  });
  return records;
}

}  // namespace

std::string own_binary() { return fs::read_symlink("/proc/self/exe").string(); }

RunOutcome run_real(const Scenario& resolved, const RunOptions& options,
                    const RealRunOptions& real) {
  real::check_real_nodes_available();
  const auto wall_start = std::chrono::steady_clock::now();
  InterruptGuard interrupts;
  RunOutcome outcome;
  outcome.scenario = resolved;
  outcome.options = options;
  outcome.deterministic = false;
  const SystemEntry& system = *find_system(resolved.system);
  const WorkloadEntry& workload = *find_workload(system, resolved.workload);
  fs::create_directories(real.work_dir);
  if (!resolved.regions.empty()) {
    // Delay per destination would need netem with filters on each node's
    // link; the region partitions are iptables rules and do apply.
    const std::string note =
        "regions: the latency between regions is not applied on real nodes (it needs netem "
        "with per-destination filters); region partitions are";
    std::fprintf(stderr, "simlab: %s\n", note.c_str());
    outcome.trace_lines.push_back(note);
  }
  real::RealCluster cluster(cluster_spec(resolved, options, real, fresh_run_id()));
  HistoryRecorder recorder;
  {
    for (NodeId node = kFirstNodeId; node < kFirstNodeId + resolved.nodes; ++node)
      cluster.start(node);
    cluster.enter_hub();
    real::EventLoop loop;
    real::FiberLoop fibers(loop);
    std::map<NodeId, real::Address> addresses;
    for (NodeId node = kFirstNodeId; node < kFirstNodeId + resolved.nodes; ++node)
      addresses[node] = cluster.node_address(node);
    real::ClientNetwork network(fibers, addresses);
    wait_for_nodes(cluster);
    bool stopping = false;
    const sim::Prng root(resolved.seed);
    const ClientEnvMaker make_env = [&](std::string_view stream) {
      return std::shared_ptr<ClientEnv>(
          std::make_shared<real::RealClientEnv>(network, root.split(stream), stopping));
    };
    real::RealNemesisHost host(cluster, fibers, network, outcome.trace_lines,
                               root.split("nemesis"));
    faults::Nemesis nemesis(host, root.split("nemesis"), resolved.faults, resolved.timeline,
                            make_nemesis_hooks(system, resolved, recorder, make_env));
    Workforce workforce(resolved, workload, recorder, make_env,
                        [&](std::string name, std::function<void()> body) {
                          fibers.spawn(std::move(name), std::move(body));
                        });
    // The supervisor: a node that exited on its own is an abort; restart it.
    std::function<void()> supervise = [&] {
      for (const auto& [node, status] : cluster.reap_exits()) {
        outcome.node_aborts.push_back(
            NodeAbortRecord{node, fibers.now_ns(), "exit " + std::to_string(status), ""});
        // A copy: clang (and so clang-tidy) cannot capture a structured binding.
        const auto exited = node;
        fibers.at(fibers.now_ns() + kAbortRestartNs, [&cluster, exited] { cluster.start(exited); });
      }
      fibers.at(fibers.now_ns() + kSupervisePeriodNs, supervise);
    };
    supervise();
    const std::int64_t heal_ns = resolved.safety_ms * kNanosecondsPerMillisecond;
    const std::int64_t liveness_end_ns =
        heal_ns + resolved.liveness_ms * kNanosecondsPerMillisecond;
    const auto interrupted = [] { return g_interrupted != 0; };
    workforce.start_clients();
    nemesis.start(heal_ns);
    bool ok = fibers.run_until(heal_ns, interrupted);
    if (ok && !g_interrupted) nemesis.heal_all();
    outcome.heal_ns = heal_ns;
    ProgressWatch progress(recorder, resolved.clients, workforce.scripts_done());
    if (ok && !g_interrupted) {
      workforce.start_final_readers();
      ok = fibers.run_until(liveness_end_ns, [&] {
        return interrupted() || (progress.every_client_served() && workforce.final_readers_done());
      });
      outcome.live = progress.every_client_served();
    }
    stopping = true;
    if (ok && !g_interrupted) {
      fibers.run_until(fibers.now_ns() + 2 * (resolved.op_timeout_ms + resolved.think_ms_max + 10) *
                                             kNanosecondsPerMillisecond,
                       [&] { return interrupted() || workforce.idle(); });
    }
    recorder.close_pending(fibers.now_ns());
    outcome.faults = nemesis.timeline();
    outcome.simulated_ns = fibers.now_ns();
    if (fibers.failure()) outcome.internal_error = *fibers.failure();
    network.disconnect();
    cluster.leave_hub();
  }
  if (g_interrupted)
    throw RealRunInterrupted();  // the cluster's destructor has not run yet: it runs now
  if (options.invariants != InvariantJudges::none) outcome.white_box = read_findings(cluster);
  outcome.audit = read_audit(cluster);
  finish_outcome(outcome, recorder, wall_start);
  return outcome;
}

}  // namespace simlab

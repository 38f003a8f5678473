// Real nodes: how long each fault takes from the nemesis's decision to
// being in force (the iptables rule, the signal, the clock offset, the disk
// fault), median and worst (goal: under 1 ms each); and a 3-node Raft KV's
// client throughput on real nodes beside the same scenario's in the
// simulator. Needs root and network namespaces; says so and exits 0 if not.
//
//   real_nodes_bench [REPEATS]     default 30
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "harness/run/real_run.h"
#include "harness/run/run_scenario.h"
#include "real/client_network.h"
#include "real/cluster.h"
#include "real/fiber_loop.h"
#include "real/real_nemesis_host.h"

namespace {

using namespace simlab;
using faults::FaultKind;
using faults::ScriptedFault;
namespace fs = std::filesystem;

ScriptedFault fault(FaultKind kind, NodeId node) {
  ScriptedFault made;
  made.kind = kind;
  made.node = node;
  made.duration_ns = 1;
  if (kind == FaultKind::partition) made.links = {{1, 2}};
  if (kind == FaultKind::clock) {
    made.mode = "jump";
    made.amount = -1'000'000'000;
  }
  if (kind == FaultKind::eio) made.read_error = made.write_error = 0.1;
  return made;
}

void print_latencies(const std::string& kind, std::vector<std::int64_t> samples) {
  std::sort(samples.begin(), samples.end());
  std::printf("  %-10s median %7.3f ms  worst %7.3f ms  (%zu faults)\n", kind.c_str(),
              static_cast<double>(samples[samples.size() / 2]) / 1e6,
              static_cast<double>(samples.back()) / 1e6, samples.size());
}

void fault_latencies(int repeats) {
  real::ClusterSpec spec;
  spec.run_id = fmt::format("bn{}", getpid() % 10000);
  spec.nodes = 3;
  spec.system = "raft";
  spec.simlab_binary = own_binary();
  spec.simlab_binary =
      (fs::path(spec.simlab_binary).parent_path().parent_path() / "simlab").string();
  spec.work_dir = (fs::temp_directory_path() / spec.run_id).string();
  spec.options_json = "{}";
  real::RealCluster cluster(spec);
  for (NodeId node = 1; node <= 3; ++node) cluster.start(node);
  usleep(300'000);
  real::EventLoop loop;
  real::FiberLoop fibers(loop);
  real::ClientNetwork network(fibers, {});
  std::vector<std::string> trace;
  real::RealNemesisHost host(cluster, fibers, network, trace, sim::Prng(1));
  std::printf("time from the decision to the fault in force, on 3 real nodes:\n");
  for (FaultKind kind : {FaultKind::partition, FaultKind::pause, FaultKind::crash, FaultKind::clock,
                         FaultKind::eio}) {
    for (int i = 0; i < repeats; ++i) {
      const ScriptedFault made = fault(kind, 2);
      host.apply(made, static_cast<std::size_t>(i));
      host.heal(made);
      if (kind == FaultKind::crash) usleep(100'000);  // the restarted node's control socket
    }
    const auto& latencies = host.apply_latencies_ns();
    print_latencies(std::string(faults::fault_kind_name(kind)),
                    latencies.at(std::string(faults::fault_kind_name(kind))));
  }
  fs::remove_all(spec.work_dir);
}

Scenario throughput_scenario() {
  Scenario scenario = parse_scenario(nlohmann::json::parse(R"({
    "name": "raft-throughput", "system": "raft", "nodes": 3, "clients": 5,
    "safety_ms": 5000, "liveness_ms": 2000, "op_timeout_ms": 1000, "think_ms_max": 0,
    "system_options": {"raft": {"election_ticks": 6}}})"));
  return resolve_scenario(scenario, 1);
}

double ok_per_second(const RunOutcome& outcome) {
  std::size_t ok = 0;
  for (const auto& op : outcome.history) ok += op.type == history::OpType::ok;
  return static_cast<double>(ok) / (static_cast<double>(outcome.simulated_ns) / 1e9);
}

void throughput() {
  const Scenario scenario = throughput_scenario();
  const std::string work =
      (fs::temp_directory_path() / fmt::format("simlab-bench-{}", getpid())).string();
  std::string binary = (fs::path(own_binary()).parent_path().parent_path() / "simlab").string();
  const RunOutcome real = run_real(scenario, RunOptions{}, RealRunOptions{work, binary});
  const RunOutcome simulated = run_scenario(scenario);
  std::printf("3-node Raft KV, 5 clients, no think time, no faults:\n");
  std::printf("  real nodes: %8.0f ops/s over %.1f s of wall time (%s)\n", ok_per_second(real),
              static_cast<double>(real.simulated_ns) / 1e9, run_verdict_name(real.verdict));
  std::printf("  simulator:  %8.0f ops per simulated second, %.0fx real time (%s)\n",
              ok_per_second(simulated),
              static_cast<double>(simulated.simulated_ns) / 1e6 / simulated.wall_ms,
              run_verdict_name(simulated.verdict));
  fs::remove_all(work);
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 30;
  try {
    real::check_real_nodes_available();
  } catch (const real::RealUnavailable& error) {
    std::printf("real nodes unavailable here: %s\n", error.what());
    return 0;
  }
  fault_latencies(repeats);
  throughput();
  return 0;
}

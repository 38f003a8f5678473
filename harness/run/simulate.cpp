#include "harness/run/simulate.h"

#include <fmt/format.h>

#include <chrono>
#include <set>

#include "harness/run/workforce.h"
#include "harness/systems/system_registry.h"
#include "sim/simulator.h"

namespace simlab {
namespace {

struct Phases {
  std::int64_t heal_ns;
  std::int64_t liveness_end_ns;
};

sim::SimConfig sim_config(const Scenario& resolved, const SystemEntry& system,
                          const RunOptions& options) {
  sim::SimConfig config;
  config.seed = resolved.seed;
  config.node_count = resolved.nodes;
  config.factory = system.factory;
  if (!resolved.bug.empty()) config.node_template.bugs.insert(resolved.bug);
  config.node_template.options_json = resolved.system_options.dump();
  config.buggify = resolved.buggify.value_or(false);
  config.keep_trace_lines = options.keep_trace_lines;
  config.keep_trace_records = options.keep_trace_records;
  config.keep_causal_log = options.keep_causal_log;
  config.node_invariants = options.invariants != InvariantJudges::none;
  config.observer = options.invariants == InvariantJudges::all;
  config.stop_at_first_violation = options.stop_at_first_violation;
  if (resolved.minimum_latency) {
    config.network_latency = sim::LatencyModel::constant(config.network_latency.min_ns);
    config.client_latency = sim::LatencyModel::constant(config.client_latency.min_ns);
  }
  return config;
}

// Links between two regions take the regions' latency (its minimum when
// every delay is at its minimum).
void apply_regions(const Scenario& resolved, sim::Network& network) {
  const Regions& regions = resolved.regions;
  const std::int64_t min_ns = regions.latency_ms_min * kNanosecondsPerMillisecond;
  const sim::LatencyModel latency =
      resolved.minimum_latency
          ? sim::LatencyModel::constant(min_ns)
          : sim::LatencyModel::uniform(min_ns, regions.latency_ms_max * kNanosecondsPerMillisecond);
  for (std::size_t a = 0; a < regions.nodes.size(); ++a) {
    for (std::size_t b = 0; b < regions.nodes.size(); ++b) {
      if (a == b) continue;
      for (const NodeId from : regions.nodes[a])
        for (const NodeId to : regions.nodes[b]) network.set_base_latency(from, to, latency);
    }
  }
}

void collect_judges(const sim::Simulator& simulator, RunOutcome& outcome) {
  if (const auto& finding = simulator.white_box_finding()) {
    outcome.white_box = JudgeFinding{sim::white_box_judge_name(finding->judge), finding->invariant,
                                     finding->detail, finding->node, finding->time_ns};
  }
  for (const auto& abort : simulator.node_aborts()) {
    outcome.node_aborts.push_back(
        NodeAbortRecord{abort.node, abort.time_ns, abort.invariant, abort.detail});
  }
  const auto& failure = simulator.failure();
  if (failure && failure->kind == sim::RunFailure::Kind::internal)
    outcome.internal_error = failure->detail;
}

}  // namespace

RunOutcome simulate_scenario(const Scenario& resolved, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  RunOutcome outcome;
  outcome.scenario = resolved;
  outcome.options = options;
  const SystemEntry& system = *find_system(resolved.system);
  const WorkloadEntry& workload = *find_workload(system, resolved.workload);
  HistoryRecorder recorder;
  {
    sim::Simulator simulator(sim_config(resolved, system, options));
    apply_regions(resolved, simulator.network());
    const ClientEnvMaker make_env = [&simulator](std::string_view stream) {
      return std::shared_ptr<ClientEnv>(simulator.client_env(stream));
    };
    faults::SimNemesis nemesis(simulator, resolved.faults, resolved.timeline,
                               make_nemesis_hooks(system, resolved, recorder, make_env));
    Workforce workforce(resolved, workload, recorder, make_env,
                        [&simulator](std::string name, std::function<void()> body) {
                          simulator.spawn(std::move(name), std::move(body));
                        });
    const Phases phases{resolved.safety_ms * kNanosecondsPerMillisecond,
                        (resolved.safety_ms + resolved.liveness_ms) * kNanosecondsPerMillisecond};
    simulator.start();
    workforce.start_clients();
    nemesis.start(phases.heal_ns);
    bool ok = simulator.run_until(phases.heal_ns);
    if (ok) nemesis.heal_all();
    outcome.heal_ns = phases.heal_ns;
    ProgressWatch progress(recorder, resolved.clients, workforce.scripts_done());
    if (ok) {
      workforce.start_final_readers();
      ok = simulator.run_until(phases.liveness_end_ns, [&] {
        return progress.every_client_served() && workforce.final_readers_done();
      });
      outcome.live = progress.every_client_served();
    }
    simulator.request_stop();
    if (ok) {
      simulator.run_until(
          simulator.now_ns() + 2 * (resolved.op_timeout_ms + resolved.think_ms_max + 10) *
                                   kNanosecondsPerMillisecond,
          [&] { return workforce.idle(); });
    }
    recorder.close_pending(simulator.now_ns());
    outcome.faults = nemesis.timeline();
    outcome.trace_hash = simulator.trace().hash();
    outcome.events = simulator.events();
    outcome.simulated_ns = simulator.now_ns();
    outcome.trace_lines = simulator.trace().lines();
    outcome.trace_records = simulator.trace().records();
    outcome.causal_events = simulator.causal_log().events();
    outcome.audit = simulator.audit();
    outcome.audit_dropped = simulator.audit_dropped();
    outcome.fiber_names = simulator.causal_log().fiber_names();
    collect_judges(simulator, outcome);
  }
  finish_outcome(outcome, recorder, wall_start);
  return outcome;
}

}  // namespace simlab

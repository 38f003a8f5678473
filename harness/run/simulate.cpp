#include "harness/run/simulate.h"

#include <chrono>
#include <set>

#include <fmt/format.h>

#include "harness/systems/system_registry.h"
#include "sim/simulator.h"

namespace simlab {
namespace {

struct Phases {
  std::int64_t heal_ns;
  std::int64_t liveness_end_ns;
};

ClientSettings client_settings(const Scenario& scenario) {
  return ClientSettings{scenario.op_timeout_ms * kNanosecondsPerMillisecond,
                        scenario.think_ms_max * kNanosecondsPerMillisecond,
                        static_cast<std::int64_t>(scenario.clients)};
}

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
  config.node_invariants = options.invariants != InvariantJudges::none;
  config.observer = options.invariants == InvariantJudges::all;
  config.stop_at_first_violation = options.stop_at_first_violation;
  return config;
}

faults::NemesisHooks nemesis_hooks(sim::Simulator& simulator, const SystemEntry& system, const Scenario& resolved,
                                   const HistoryRecorder& recorder) {
  faults::NemesisHooks hooks;
  hooks.acknowledged_writes = [&recorder] { return recorder.acknowledged_writes(); };
  if (system.admin) hooks.admin = system.admin(simulator, client_settings(resolved));
  if (system.probe) hooks.probe = system.probe(simulator, client_settings(resolved));
  return hooks;
}

void spawn_clients(sim::Simulator& simulator, const Scenario& scenario, const WorkloadEntry& workload,
                   HistoryRecorder& recorder, std::vector<std::unique_ptr<ClientEnv>>& envs,
                   std::size_t& clients_running) {
  const ClientSettings settings = client_settings(scenario);
  for (std::uint32_t client = 0; client < scenario.clients; ++client) {
    envs.push_back(simulator.client_env(fmt::format("client-{}", client)));
    ClientEnv* env = envs.back().get();
    ++clients_running;
    simulator.spawn(fmt::format("client-{}", client), [&, env, client, settings] {
      workload.run(*env, recorder, client, settings);
      --clients_running;
    });
  }
}

// After the heal, one final reader per client reads its share of every key.
void spawn_final_readers(sim::Simulator& simulator, const Scenario& scenario, const WorkloadEntry& workload,
                         HistoryRecorder& recorder, std::vector<std::unique_ptr<ClientEnv>>& envs,
                         std::size_t& readers_running) {
  if (!workload.final_reads) return;
  const ClientSettings settings = client_settings(scenario);
  const auto readers = static_cast<std::int64_t>(scenario.clients);
  for (std::int64_t slot = 0; slot < readers; ++slot) {
    envs.push_back(simulator.client_env(fmt::format("final-reader-{}", slot)));
    ClientEnv* env = envs.back().get();
    ++readers_running;
    simulator.spawn(fmt::format("final-reader-{}", slot), [&, env, slot, readers, settings] {
      workload.final_reads(*env, recorder, kFinalReaderProcessBase + slot, slot, readers, settings);
      --readers_running;
    });
  }
}

// Liveness: every client must complete an op it invoked after healing
// (final readers are not clients: they only add reads).
// Called after every event, it looks only at ops recorded since its last
// call, so the liveness phase stays linear in its length.
class ProgressWatch {
 public:
  ProgressWatch(const HistoryRecorder& recorder, std::uint32_t clients)
      : recorder_(recorder), clients_(clients), scanned_(recorder.history().size()) {}
  bool every_client_served() {
    const auto& ops = recorder_.history();
    for (; scanned_ < ops.size(); ++scanned_) {
      const history::Op& op = ops[scanned_];
      if (op.type == history::OpType::ok && op.process < kFinalReaderProcessBase) served_.insert(op.process % clients_);
    }
    return served_.size() >= clients_;
  }

 private:
  const HistoryRecorder& recorder_;
  std::uint32_t clients_;
  std::size_t scanned_;
  std::set<std::int64_t> served_;
};

void collect_judges(const sim::Simulator& simulator, RunOutcome& outcome) {
  if (const auto& finding = simulator.white_box_finding()) {
    outcome.white_box = JudgeFinding{sim::white_box_judge_name(finding->judge), finding->invariant,
                                     finding->detail, finding->node, finding->time_ns};
  }
  for (const auto& abort : simulator.node_aborts()) {
    outcome.node_aborts.push_back(NodeAbortRecord{abort.node, abort.time_ns, abort.invariant, abort.detail});
  }
  const auto& failure = simulator.failure();
  if (failure && failure->kind == sim::RunFailure::Kind::internal) outcome.internal_error = failure->detail;
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
    faults::SimNemesis nemesis(simulator, resolved.faults, resolved.timeline, nemesis_hooks(simulator, system, resolved, recorder));
    std::vector<std::unique_ptr<ClientEnv>> envs;
    std::size_t clients_running = 0;
    std::size_t readers_running = 0;
    const Phases phases{resolved.safety_ms * kNanosecondsPerMillisecond,
                        (resolved.safety_ms + resolved.liveness_ms) * kNanosecondsPerMillisecond};
    simulator.start();
    spawn_clients(simulator, resolved, workload, recorder, envs, clients_running);
    nemesis.start(phases.heal_ns);
    bool ok = simulator.run_until(phases.heal_ns);
    if (ok) nemesis.heal_all();
    outcome.heal_ns = phases.heal_ns;
    ProgressWatch progress(recorder, resolved.clients);
    if (ok) {
      spawn_final_readers(simulator, resolved, workload, recorder, envs, readers_running);
      ok = simulator.run_until(phases.liveness_end_ns,
                               [&] { return progress.every_client_served() && readers_running == 0; });
      outcome.live = progress.every_client_served();
    }
    simulator.request_stop();
    if (ok) {
      simulator.run_until(simulator.now_ns() + 2 * (resolved.op_timeout_ms + resolved.think_ms_max + 10) * kNanosecondsPerMillisecond,
                          [&] { return clients_running == 0 && readers_running == 0; });
    }
    recorder.close_pending(simulator.now_ns());
    outcome.faults = nemesis.timeline();
    outcome.trace_hash = simulator.trace().hash();
    outcome.events = simulator.events();
    outcome.simulated_ns = simulator.now_ns();
    outcome.trace_lines = simulator.trace().lines();
    outcome.trace_records = simulator.trace().records();
    collect_judges(simulator, outcome);
    if (!outcome.live) {
      outcome.liveness_detail = fmt::format("not every client completed an operation within {}ms of healing",
                                            resolved.liveness_ms);
    }
  }
  outcome.history = recorder.take();
  combine_verdict(outcome);
  outcome.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start).count();
  return outcome;
}

}  // namespace simlab

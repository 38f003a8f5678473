#include "harness/run/run_scenario.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "checkers/linearizability/checker.h"
#include "harness/systems/system_registry.h"
#include "sim/simulator.h"

namespace simlab {

const char* run_verdict_name(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::valid: return "valid";
    case RunVerdict::safety_violation: return "safety-violation";
    case RunVerdict::unknown: return "unknown";
    case RunVerdict::liveness_failure: return "liveness-failure";
    case RunVerdict::internal_error: return "internal-error";
  }
  return "?";
}

int run_verdict_exit_code(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::valid: return 0;
    case RunVerdict::safety_violation: return 1;
    case RunVerdict::unknown: return 2;
    case RunVerdict::liveness_failure: return 3;
    case RunVerdict::internal_error: return 70;
  }
  return 70;
}

namespace {

// The largest clock-rate error a run's faults can cause: the rate-driven
// clock faults' bound and every scripted drift.
double clock_drift_bound(const Scenario& scenario) {
  double bound = scenario.faults.rate(faults::FaultKind::clock) > 0
                     ? scenario.faults.clock_drift_bound()
                     : 0.0;
  for (const auto& fault : scenario.timeline) {
    if (fault.kind == faults::FaultKind::clock && fault.mode == "drift") {
      bound = std::max(bound, static_cast<double>(std::abs(fault.amount)) / 1e6);
    }
  }
  return bound;
}

}  // namespace

Scenario resolve_scenario(Scenario scenario, std::uint64_t seed) {
  scenario.seed = seed;
  const SystemEntry* system = find_system(scenario.system);
  if (!system) throw ScenarioError("system", fmt::format("unknown system '{}'", scenario.system));
  const WorkloadEntry* workload = find_workload(*system, scenario.workload);
  if (!workload) throw ScenarioError("workload", fmt::format("unknown workload '{}' for system '{}'", scenario.workload, scenario.system));
  scenario.workload = std::string(workload->name);
  if (scenario.checker.empty()) scenario.checker = std::string(workload->model);
  if (!scenario.bug.empty()) {
    bool known = false;
    for (const auto& bug : system->bugs) known = known || bug.name == scenario.bug;
    if (!known) throw ScenarioError("bug", fmt::format("unknown bug '{}' for system '{}' (see simlab bugs)", scenario.bug, scenario.system));
  }
  // Membership faults need the system's admin hook; without one the kind is
  // off, so the swarm never spends a seed's mix on it.
  if (!system->admin) scenario.faults.rate(faults::FaultKind::membership) = 0;
  if (scenario.swarm) {
    // The swarm's choice depends only on the seed; writing it into the
    // resolved scenario (with swarm off) makes the run replay exactly.
    sim::Prng chooser = sim::Prng(seed).split("swarm");
    scenario.faults = faults::choose_swarm_mix(scenario.faults, chooser);
    if (system->swarm_options) {
      sim::Prng knobs = sim::Prng(seed).split("swarm-options");
      scenario.system_options = system->swarm_options(scenario.system_options,
                                                      clock_drift_bound(scenario), knobs);
    }
    scenario.swarm = false;
  }
  return scenario;
}

namespace {

struct Phases {
  std::int64_t heal_ns;
  std::int64_t liveness_end_ns;
};

void judge_history(RunOutcome& outcome) {
  const auto factory = linearizability::make_model_factory(outcome.scenario.checker, history::Value());
  if (!factory) {
    outcome.verdict = RunVerdict::internal_error;
    outcome.detail = fmt::format("unknown checker model '{}'", outcome.scenario.checker);
    return;
  }
  const auto result = linearizability::check_linearizability(outcome.history, *factory);
  if (result.verdict == linearizability::Verdict::invalid) {
    outcome.verdict = RunVerdict::safety_violation;
    outcome.anomaly = "linearizability";
    outcome.detail = result.reason;
    if (result.explanation) outcome.explanation = linearizability::explanation_json(*result.explanation);
  } else if (result.verdict == linearizability::Verdict::unknown) {
    outcome.verdict = RunVerdict::unknown;
    outcome.anomaly = "checker-gave-up";
    outcome.detail = result.reason;
  }
}

void spawn_clients(sim::Simulator& simulator, const Scenario& scenario, const WorkloadEntry& workload,
                   HistoryRecorder& recorder, std::vector<std::unique_ptr<ClientEnv>>& envs,
                   std::size_t& clients_running) {
  const ClientSettings settings{scenario.op_timeout_ms * kNanosecondsPerMillisecond,
                                scenario.think_ms_max * kNanosecondsPerMillisecond,
                                static_cast<std::int64_t>(scenario.clients)};
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

}  // namespace

RunOutcome simulate_scenario(const Scenario& resolved, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  RunOutcome outcome;
  outcome.scenario = resolved;
  const SystemEntry& system = *find_system(resolved.system);
  const WorkloadEntry& workload = *find_workload(system, resolved.workload);

  sim::SimConfig config;
  config.seed = resolved.seed;
  config.node_count = resolved.nodes;
  config.factory = system.factory;
  if (!resolved.bug.empty()) config.node_template.bugs.insert(resolved.bug);
  config.node_template.options_json = resolved.system_options.dump();
  config.buggify = resolved.buggify;
  config.keep_trace_lines = options.keep_trace_lines;
  config.keep_trace_records = options.keep_trace_records;

  HistoryRecorder recorder;
  {
    sim::Simulator simulator(config);
    const ClientSettings admin_settings{resolved.op_timeout_ms * kNanosecondsPerMillisecond,
                                        resolved.think_ms_max * kNanosecondsPerMillisecond,
                                        static_cast<std::int64_t>(resolved.clients)};
    faults::SimNemesis nemesis(simulator, resolved.faults, resolved.timeline,
                               system.admin ? system.admin(simulator, admin_settings) : faults::AdminAction{});
    std::vector<std::unique_ptr<ClientEnv>> envs;
    std::size_t clients_running = 0;
    const Phases phases{resolved.safety_ms * kNanosecondsPerMillisecond,
                        (resolved.safety_ms + resolved.liveness_ms) * kNanosecondsPerMillisecond};
    simulator.start();
    spawn_clients(simulator, resolved, workload, recorder, envs, clients_running);
    nemesis.start(phases.heal_ns);
    bool ok = simulator.run_until(phases.heal_ns);
    if (ok) nemesis.heal_all();
    outcome.heal_ns = phases.heal_ns;
    // Liveness: every client must complete an op it invoked after healing.
    const std::size_t ops_at_heal = recorder.history().size();
    // Called after every event: it looks only at ops recorded since its last
    // call, so the liveness phase stays linear in its length.
    std::set<std::int64_t> served;
    std::size_t scanned = ops_at_heal;
    auto progressed = [&] {
      const auto& ops = recorder.history();
      for (; scanned < ops.size(); ++scanned) {
        if (ops[scanned].type == history::OpType::ok) served.insert(ops[scanned].process % resolved.clients);
      }
      return served.size() >= resolved.clients;
    };
    bool live = true;
    if (ok) {
      ok = simulator.run_until(phases.liveness_end_ns, progressed);
      live = progressed();
    }
    simulator.request_stop();
    if (ok) {
      simulator.run_until(simulator.now_ns() + 2 * (resolved.op_timeout_ms + resolved.think_ms_max + 10) * kNanosecondsPerMillisecond,
                          [&] { return clients_running == 0; });
    }
    recorder.close_pending(simulator.now_ns());
    outcome.faults = nemesis.timeline();
    outcome.trace_hash = simulator.trace().hash();
    outcome.events = simulator.events();
    outcome.simulated_ns = simulator.now_ns();
    outcome.trace_lines = simulator.trace().lines();
    outcome.trace_records = simulator.trace().records();
    if (const auto& failure = simulator.failure()) {
      outcome.verdict = failure->kind == sim::RunFailure::Kind::safety ? RunVerdict::safety_violation
                                                                        : RunVerdict::internal_error;
      outcome.anomaly = failure->invariant;
      outcome.detail = failure->detail;
      outcome.node = failure->node;
      outcome.failure_time_ns = failure->time_ns;
    } else if (!live) {
      outcome.verdict = RunVerdict::liveness_failure;
      outcome.anomaly = "liveness";
      outcome.detail = fmt::format("not every client completed an operation within {}ms of healing",
                                   resolved.liveness_ms);
    }
  }
  outcome.history = recorder.take();
  outcome.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start).count();
  return outcome;
}

void judge_outcome(RunOutcome& outcome) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (outcome.verdict == RunVerdict::valid || outcome.verdict == RunVerdict::liveness_failure) {
    const RunVerdict before = outcome.verdict;
    const std::string detail = outcome.detail;
    outcome.verdict = RunVerdict::valid;
    judge_history(outcome);
    if (outcome.verdict == RunVerdict::valid && before == RunVerdict::liveness_failure) {
      outcome.verdict = before;  // safety findings outrank liveness ones
      outcome.anomaly = "liveness";
      outcome.detail = detail;
    }
  }
  outcome.wall_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start).count();
}

RunOutcome run_scenario(const Scenario& resolved, const RunOptions& options) {
  RunOutcome outcome = simulate_scenario(resolved, options);
  judge_outcome(outcome);
  return outcome;
}

nlohmann::json outcome_to_json(const RunOutcome& outcome, const std::string& replay_command) {
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& fault : outcome.faults) {
    faults.push_back({{"kind", faults::fault_kind_name(fault.fault.kind)},
                      {"detail", fault.detail},
                      {"nodes", fault.fault.nodes()},
                      {"start_ns", fault.fault.at_ns},
                      {"end_ns", fault.end_ns},
                      {"script", faults::scripted_fault_to_json(fault.fault)}});
  }
  std::size_t ops = 0;
  for (const auto& op : outcome.history) ops += op.type == history::OpType::invoke ? 1 : 0;
  nlohmann::json json = {
      {"seed", outcome.scenario.seed},
      {"system", outcome.scenario.system},
      {"scenario", outcome.scenario.name},
      {"workload", outcome.scenario.workload},
      {"bug", outcome.scenario.bug},
      {"verdict", run_verdict_name(outcome.verdict)},
      {"exit_code", run_verdict_exit_code(outcome.verdict)},
      {"anomaly", outcome.anomaly},
      {"detail", outcome.detail},
      {"trace_hash", fmt::format("{:016x}", outcome.trace_hash)},
      {"ops", ops},
      {"history_events", outcome.history.size()},
      {"events", outcome.events},
      {"simulated_ns", outcome.simulated_ns},
      {"heal_ns", outcome.heal_ns},
      {"wall_ms", outcome.wall_ms},
      {"faults", faults},
      {"replay", replay_command},
  };
  if (outcome.node) json["node"] = *outcome.node;
  if (outcome.failure_time_ns >= 0) json["failure_time_ns"] = outcome.failure_time_ns;
  if (!outcome.explanation.is_null()) json["explanation"] = outcome.explanation;
  return json;
}

}  // namespace simlab

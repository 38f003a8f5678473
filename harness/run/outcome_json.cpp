#include "harness/run/outcome_json.h"

#include <fmt/format.h>

namespace simlab {
namespace {

nlohmann::json finding_json(const JudgeFinding& finding) {
  nlohmann::json json = {
      {"judge", finding.judge}, {"anomaly", finding.anomaly}, {"detail", finding.detail}};
  if (finding.node) json["node"] = *finding.node;
  if (finding.time_ns >= 0) json["time_ns"] = finding.time_ns;
  if (finding.gave_up) json["gave_up"] = true;
  if (finding.safety_net) json["safety_net"] = true;
  return json;
}

// Which judges ran, which caught the run, and what each one found.
nlohmann::json judges_json(const RunOutcome& outcome) {
  nlohmann::json json = {{"invariants", invariant_judges_name(outcome.options.invariants)},
                         {"stop_at_first_violation", outcome.options.stop_at_first_violation},
                         {"ran", judges_ran(outcome)},
                         {"caught_by", judges_caught(outcome)}};
  json["history"] = outcome.history_judge    ? finding_json(*outcome.history_judge)
                    : outcome.history_judged ? nlohmann::json{{"judge", "history"}, {"anomaly", ""}}
                                             : nlohmann::json();
  json["white_box"] = outcome.white_box ? finding_json(*outcome.white_box) : nlohmann::json();
  return json;
}

nlohmann::json faults_json(const RunOutcome& outcome) {
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& fault : outcome.faults) {
    faults.push_back({{"kind", faults::fault_kind_name(fault.fault.kind)},
                      {"detail", fault.detail},
                      {"nodes", fault.fault.nodes()},
                      {"start_ns", fault.fault.at_ns},
                      {"end_ns", fault.end_ns},
                      {"script", faults::scripted_fault_to_json(fault.fault)}});
  }
  return faults;
}

nlohmann::json aborts_json(const RunOutcome& outcome) {
  nlohmann::json aborts = nlohmann::json::array();
  for (const auto& abort : outcome.node_aborts) {
    aborts.push_back({{"node", abort.node},
                      {"time_ns", abort.time_ns},
                      {"invariant", abort.invariant},
                      {"detail", abort.detail}});
  }
  return aborts;
}

}  // namespace

nlohmann::json outcome_to_json(const RunOutcome& outcome, const std::string& replay_command) {
  std::size_t ops = 0;
  for (const auto& op : outcome.history) ops += op.type == history::OpType::invoke ? 1 : 0;
  nlohmann::json json = {
      {"seed", outcome.scenario.seed},
      {"system", outcome.scenario.system},
      {"scenario", outcome.scenario.name},
      {"workload", outcome.scenario.workload},
      {"bug", outcome.scenario.bug},
      {"buggify", outcome.scenario.buggify.value_or(false)},
      {"verdict", run_verdict_name(outcome.verdict)},
      {"exit_code", run_verdict_exit_code(outcome.verdict)},
      {"anomaly", outcome.anomaly},
      {"detail", outcome.detail},
      {"judges", judges_json(outcome)},
      {"live", outcome.live},
      {"node_aborts", aborts_json(outcome)},
      {"deterministic", outcome.deterministic},
      {"driver", outcome.deterministic ? "simulator" : "real"},
      {"trace_hash", fmt::format("{:016x}", outcome.trace_hash)},
      {"ops", ops},
      {"history_events", outcome.history.size()},
      {"events", outcome.events},
      {"simulated_ns", outcome.simulated_ns},
      {"heal_ns", outcome.heal_ns},
      {"wall_ms", outcome.wall_ms},
      {"faults", faults_json(outcome)},
      {"replay", replay_command},
  };
  if (outcome.node) json["node"] = *outcome.node;
  if (outcome.failure_time_ns >= 0) json["failure_time_ns"] = outcome.failure_time_ns;
  if (!outcome.explanation.is_null()) json["explanation"] = outcome.explanation;
  if (!outcome.story.is_null()) json["story"] = outcome.story;
  if (!outcome.audit.empty()) {
    nlohmann::json audit = nlohmann::json::array();
    for (const AuditRecord& record : outcome.audit) {
      audit.push_back({{"time_ns", record.time_ns},
                       {"node", record.node},
                       {"key", record.key},
                       {"entry", record.entry}});
    }
    json["audit"] = {{"records", audit}, {"dropped", outcome.audit_dropped}};
  }
  return json;
}

}  // namespace simlab

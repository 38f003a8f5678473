// One run: a scenario and a seed in, a judged history and a verdict out.
// Safety phase with faults, then every fault heals and the liveness phase
// demands progress within the bound; then the history is checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checkers/history/op.h"
#include "faults/sim_nemesis.h"
#include "harness/scenario.h"
#include "sim/trace.h"

namespace simlab {

enum class RunVerdict : std::uint8_t {
  valid,
  safety_violation,   // an invariant broke, or the checker found the history invalid
  unknown,            // the checker gave up
  liveness_failure,   // no progress within the bound after healing
  internal_error,     // the lab itself failed (a fiber threw, a model rejected an op)
};
const char* run_verdict_name(RunVerdict verdict);
int run_verdict_exit_code(RunVerdict verdict);

struct RunOptions {
  bool keep_trace_lines = false;    // --trace
  bool keep_trace_records = false;  // --check-determinism
};

struct RunOutcome {
  Scenario scenario;  // resolved: the swarm's choice of faults written in
  RunVerdict verdict = RunVerdict::valid;
  std::string anomaly;  // invariant name, "linearizability", "liveness", ...
  std::string detail;   // one line for a person
  std::optional<std::uint32_t> node;  // for an invariant violation
  std::int64_t failure_time_ns = -1;
  nlohmann::json explanation;  // the checker's, when it has one
  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
  std::int64_t simulated_ns = 0;
  double wall_ms = 0;
  history::History history;
  std::vector<faults::FaultEvent> faults;
  std::int64_t heal_ns = 0;  // when the liveness phase began
  std::vector<std::string> trace_lines;
  std::vector<sim::TraceRecord> trace_records;
};

// Resolves the scenario for this seed (swarm choice) without running it.
// Throws ScenarioError for an unknown system, workload, checker or bug.
Scenario resolve_scenario(Scenario scenario, std::uint64_t seed);

// The simulation alone (its verdict covers invariants and liveness), then the
// checker's judgement of the history; run_scenario does both.
RunOutcome simulate_scenario(const Scenario& resolved, const RunOptions& options = {});
void judge_outcome(RunOutcome& outcome);
RunOutcome run_scenario(const Scenario& resolved, const RunOptions& options = {});

nlohmann::json outcome_to_json(const RunOutcome& outcome, const std::string& replay_command);

}  // namespace simlab

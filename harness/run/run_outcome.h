// What one run produced: the resolved scenario, the history, the faults, and
// the verdicts of its two judges, kept apart (ARCHITECTURE.md, "Two judges"):
// the history's checker (black-box, what Jepsen has) and the white-box
// invariants (each node's check_invariants() and the cluster observer).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkers/history/op.h"
#include "faults/sim_nemesis.h"
#include "harness/scenario.h"
#include "sim/causal_log.h"
#include "sim/trace.h"

namespace simlab {

enum class RunVerdict : std::uint8_t {
  valid,
  safety_violation,  // an invariant broke, or the checker found the history invalid
  unknown,           // the checker gave up
  liveness_failure,  // no progress within the bound after healing
  internal_error,    // the lab itself failed (a fiber threw, a model rejected an op)
};
const char* run_verdict_name(RunVerdict verdict);
int run_verdict_exit_code(RunVerdict verdict);

// `--invariants`: which white-box judges watch the run. The history's
// checker always judges.
enum class InvariantJudges : std::uint8_t {
  all,    // each node's check_invariants() and the cluster observer
  nodes,  // each node's check_invariants() only
  none,   // only the history's checker, as Jepsen would
};
const char* invariant_judges_name(InvariantJudges judges);
std::optional<InvariantJudges> parse_invariant_judges(std::string_view name);

struct RunOptions {
  bool keep_trace_lines = false;    // --trace
  bool keep_trace_records = false;  // --check-determinism
  bool keep_causal_log = false;     // for the causal story (harness/story)
  InvariantJudges invariants = InvariantJudges::all;
  bool stop_at_first_violation = false;
};

// One judge's finding. judge: "history", "nodes" or "observer".
struct JudgeFinding {
  std::string judge;
  std::string anomaly;  // the invariant's name, "linearizability", "checker-gave-up"
  std::string detail;   // one line for a person
  std::optional<std::uint32_t> node;
  std::int64_t time_ns = -1;
  bool gave_up = false;  // the checker could not decide (history judge only)
  // It gave up on the wall-clock safety net rather than its work budget:
  // the verdict depends on the machine, so replay does not compare it.
  bool safety_net = false;
};

struct NodeAbortRecord {
  std::uint32_t node = 0;
  std::int64_t time_ns = 0;
  std::string invariant;
  std::string detail;
};

struct RunOutcome {
  Scenario scenario;  // resolved: the swarm's choice of faults written in
  RunOptions options;
  // The combined verdict and the finding it rests on: the history's when it
  // caught the run (black-box first), else the white-box one.
  RunVerdict verdict = RunVerdict::valid;
  std::string anomaly;                // invariant name, "linearizability", "liveness", ...
  std::string detail;                 // one line for a person
  std::optional<std::uint32_t> node;  // for an invariant violation
  std::int64_t failure_time_ns = -1;
  std::optional<JudgeFinding> white_box;      // the first broken invariant
  std::optional<JudgeFinding> history_judge;  // the checker's finding, if any
  bool history_judged = false;
  bool live = true;
  std::string liveness_anomaly = "liveness";  // or "diverged": final reads differ
  std::string liveness_detail;
  std::optional<std::string> internal_error;  // the lab itself failed
  bool deterministic = true;  // false for a run on real nodes: its seed does not replay it
  std::vector<NodeAbortRecord> node_aborts;
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
  std::vector<sim::CausalEvent> causal_events;  // with keep_causal_log
  std::vector<std::string> fiber_names;         // by fiber id, with keep_causal_log
  nlohmann::json story;                         // the causal story's JSON, once told
  // The systems' audit trail (NodeContext::audit), in time order.
  std::vector<AuditRecord> audit;
  std::uint64_t audit_dropped = 0;  // records past the simulator's kAuditRecordsMax
};

// The judges that ran ("history", "nodes", "observer") and the ones that
// found a safety violation, in that order.
std::vector<std::string> judges_ran(const RunOutcome& outcome);
std::vector<std::string> judges_caught(const RunOutcome& outcome);

// Sets verdict, anomaly, detail, node and failure_time_ns from the judges'
// findings and the liveness result: a safety finding outranks an unknown,
// which outranks a liveness failure; the history's finding is named first.
void combine_verdict(RunOutcome& outcome);

}  // namespace simlab

#include "harness/run/run_outcome.h"

namespace simlab {

const char* run_verdict_name(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::valid:
      return "valid";
    case RunVerdict::safety_violation:
      return "safety-violation";
    case RunVerdict::unknown:
      return "unknown";
    case RunVerdict::liveness_failure:
      return "liveness-failure";
    case RunVerdict::internal_error:
      return "internal-error";
  }
  return "?";
}

int run_verdict_exit_code(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::valid:
      return 0;
    case RunVerdict::safety_violation:
      return 1;
    case RunVerdict::unknown:
      return 2;
    case RunVerdict::liveness_failure:
      return 3;
    case RunVerdict::internal_error:
      return 70;
  }
  return 70;
}

const char* invariant_judges_name(InvariantJudges judges) {
  switch (judges) {
    case InvariantJudges::all:
      return "all";
    case InvariantJudges::nodes:
      return "nodes";
    case InvariantJudges::none:
      return "none";
  }
  return "?";
}

std::optional<InvariantJudges> parse_invariant_judges(std::string_view name) {
  for (auto judges : {InvariantJudges::all, InvariantJudges::nodes, InvariantJudges::none}) {
    if (name == invariant_judges_name(judges)) return judges;
  }
  return std::nullopt;
}

std::vector<std::string> judges_ran(const RunOutcome& outcome) {
  std::vector<std::string> ran;
  if (outcome.history_judged) ran.push_back("history");
  if (outcome.options.invariants != InvariantJudges::none) ran.push_back("nodes");
  // The cluster observer reads every node's memory: the simulator's alone.
  if (outcome.options.invariants == InvariantJudges::all && outcome.deterministic)
    ran.push_back("observer");
  return ran;
}

std::vector<std::string> judges_caught(const RunOutcome& outcome) {
  std::vector<std::string> caught;
  if (outcome.history_judge && !outcome.history_judge->gave_up) caught.push_back("history");
  if (outcome.white_box) caught.push_back(outcome.white_box->judge);
  return caught;
}

namespace {

void rest_on(RunOutcome& outcome, RunVerdict verdict, const JudgeFinding& finding) {
  outcome.verdict = verdict;
  outcome.anomaly = finding.anomaly;
  outcome.detail = finding.detail;
  outcome.node = finding.node;
  outcome.failure_time_ns = finding.time_ns;
}

}  // namespace

void combine_verdict(RunOutcome& outcome) {
  outcome.verdict = RunVerdict::valid;
  outcome.anomaly.clear();
  outcome.detail.clear();
  outcome.node.reset();
  outcome.failure_time_ns = -1;
  const auto& history = outcome.history_judge;
  if (outcome.internal_error) {
    outcome.verdict = RunVerdict::internal_error;
    outcome.anomaly = "internal-error";
    outcome.detail = *outcome.internal_error;
  } else if (history && !history->gave_up) {
    rest_on(outcome, RunVerdict::safety_violation, *history);
  } else if (outcome.white_box) {
    rest_on(outcome, RunVerdict::safety_violation, *outcome.white_box);
  } else if (history) {
    rest_on(outcome, RunVerdict::unknown, *history);
  } else if (!outcome.live) {
    outcome.verdict = RunVerdict::liveness_failure;
    outcome.anomaly = outcome.liveness_anomaly;
    outcome.detail = outcome.liveness_detail;
  }
}

}  // namespace simlab

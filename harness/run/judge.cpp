#include "harness/run/judge.h"

#include <chrono>

#include <fmt/format.h>

#include "checkers/linearizability/checker.h"

namespace simlab {
namespace {

JudgeFinding history_finding(std::string anomaly, std::string detail) {
  JudgeFinding finding;
  finding.judge = "history";
  finding.anomaly = std::move(anomaly);
  finding.detail = std::move(detail);
  return finding;
}

void judge_history(RunOutcome& outcome) {
  const auto factory = linearizability::make_model_factory(outcome.scenario.checker, history::Value());
  if (!factory) {  // resolve_scenario checks the model: this is the lab's own bug
    outcome.internal_error = fmt::format("unknown checker model '{}'", outcome.scenario.checker);
    return;
  }
  outcome.history_judged = true;
  const auto result = linearizability::check_linearizability(outcome.history, *factory);
  if (result.verdict == linearizability::Verdict::invalid) {
    outcome.history_judge = history_finding("linearizability", result.reason);
    if (result.explanation) outcome.explanation = linearizability::explanation_json(*result.explanation);
  } else if (result.verdict == linearizability::Verdict::unknown) {
    outcome.history_judge = history_finding("checker-gave-up", result.reason);
    outcome.history_judge->gave_up = true;
  }
}

}  // namespace

// The history is judged whatever the white-box judges said: both verdicts
// are recorded, so a run shows which judge caught it. Only a run the lab
// itself broke goes unjudged.
void judge_outcome(RunOutcome& outcome) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (!outcome.internal_error && !outcome.history_judged) judge_history(outcome);
  combine_verdict(outcome);
  outcome.wall_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start).count();
}

}  // namespace simlab

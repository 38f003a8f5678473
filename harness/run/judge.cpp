#include "harness/run/judge.h"

#include <fmt/format.h>

#include <chrono>

#include "checkers/linearizability/checker.h"

namespace simlab {
namespace {

// The history's checker decides on a work budget (the same verdict on every
// machine); the wall clock is a safety net behind it.
constexpr std::int64_t kSearchStepsMax = 200'000'000;
constexpr std::chrono::minutes kCheckTimeSafetyNet{10};

JudgeFinding history_finding(std::string anomaly, std::string detail) {
  JudgeFinding finding;
  finding.judge = "history";
  finding.anomaly = std::move(anomaly);
  finding.detail = std::move(detail);
  return finding;
}

void judge_history(RunOutcome& outcome) {
  const auto factory =
      linearizability::make_model_factory(outcome.scenario.checker, history::Value());
  if (!factory) {  // resolve_scenario checks the model: this is the lab's own bug
    outcome.internal_error = fmt::format("unknown checker model '{}'", outcome.scenario.checker);
    return;
  }
  outcome.history_judged = true;
  linearizability::CheckOptions options;
  options.search_steps_max = kSearchStepsMax;
  options.time_limit = kCheckTimeSafetyNet;
  const auto result = linearizability::check_linearizability(outcome.history, *factory, options);
  if (result.verdict == linearizability::Verdict::invalid) {
    outcome.history_judge = history_finding("linearizability", result.reason);
    if (result.explanation)
      outcome.explanation = linearizability::explanation_json(*result.explanation);
  } else if (result.verdict == linearizability::Verdict::unknown) {
    outcome.history_judge = history_finding("checker-gave-up", result.reason);
    outcome.history_judge->gave_up = true;
    outcome.history_judge->safety_net = result.safety_net;
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
  outcome.wall_ms +=
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
          .count();
}

}  // namespace simlab

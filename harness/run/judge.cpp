#include "harness/run/judge.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

#include "checkers/history/anomaly_list.h"
#include "checkers/linearizability/checker.h"
#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_explanation.h"
#include "checkers/queue/queue_history.h"
#include "harness/run/judge_eventual.h"

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

// The model that judges a Kafka-style log's history (checkers/queue).
constexpr std::string_view kQueueModel = "queue";

// When an anomaly showed: the latest completion among the ops it names
// (their invocations' indices; an op that never completed counts at its
// invocation).
std::int64_t shown_at_ns(const history::History& history, const queue::Anomaly& anomaly) {
  std::int64_t shown_ns = -1;
  for (const std::int64_t index : anomaly.ops) {
    if (index < 0 || static_cast<std::size_t>(index) >= history.size()) continue;
    const auto completion = history::completion_position(history, static_cast<std::size_t>(index));
    shown_ns =
        std::max(shown_ns, history[completion.value_or(static_cast<std::size_t>(index))].time);
  }
  return shown_ns;
}

// The first anomaly names the finding; the counts say what else there was.
void judge_queue_history(RunOutcome& outcome) {
  const queue::CompiledQueue compiled = queue::compile_queue_history(outcome.history);
  if (compiled.error) {  // the workload wrote ops the checker cannot read: the lab's own bug
    outcome.internal_error =
        fmt::format("the queue checker cannot read the run's history: {}", compiled.error->what);
    return;
  }
  outcome.history_judged = true;
  const queue::QueueCheckResult result = queue::check_queue(compiled.history);
  if (result.valid || result.anomalies.empty()) return;
  const queue::Anomaly& first = result.anomalies.front();
  std::string others;
  for (const auto& [name, count] : result.counts)
    others += fmt::format("{}{} {}", others.empty() ? "" : ", ", count, name);
  outcome.history_judge = history_finding(
      first.name,
      fmt::format("{} (ops {}; in all: {})", first.detail, fmt::join(first.ops, ", "), others));
  outcome.history_judge->time_ns = shown_at_ns(outcome.history, first);
  // The run page draws the keys the anomalies name as lanes of offsets; the
  // causal story anchors on the ops the first anomaly names.
  outcome.explanation = queue::explanation_json(compiled.history, result);
}

void judge_history(RunOutcome& outcome) {
  if (outcome.scenario.checker == kQueueModel) return judge_queue_history(outcome);
  if (history::is_eventual_consistency_model(outcome.scenario.checker))
    return judge_eventual_history(outcome);
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

#include "harness/run/judge_eventual.h"

#include <fmt/format.h>

#include "checkers/counter/counter_checker.h"
#include "checkers/history/op_error.h"
#include "checkers/history/value_format.h"
#include "checkers/set/set_full.h"

namespace simlab {
namespace {

JudgeFinding history_finding(std::string anomaly, std::string detail, std::int64_t time_ns) {
  JudgeFinding finding;
  finding.judge = "history";
  finding.anomaly = std::move(anomaly);
  finding.detail = std::move(detail);
  finding.time_ns = time_ns;
  return finding;
}

std::int64_t time_at(const history::History& history, std::int64_t position) {
  if (position < 0 || static_cast<std::size_t>(position) >= history.size()) return -1;
  return history[static_cast<std::size_t>(position)].time;
}

std::string element_text(const std::optional<history::Value>& key, const history::Value& element) {
  return fmt::format("element {}{}", history::format_value(element),
                     key ? " of key " + history::format_value(*key) : std::string());
}

void judge_set_full(RunOutcome& outcome) {
  const set_full::SetFullResult result = set_full::check_set_full(outcome.history);
  const std::string counts =
      fmt::format("{} lost, {} duplicated, {} unexpected of {} added", result.lost,
                  result.duplicated, result.unexpected, result.attempted);
  if (!result.lost_examples.empty()) {
    const auto& lost = result.lost_examples.front();
    outcome.history_judge = history_finding(
        "lost",
        fmt::format("{} was known at op {} and is missing from the read ending at op {} ({})",
                    element_text(lost.key, lost.element), lost.known, lost.last_absent, counts),
        time_at(outcome.history, lost.last_absent));
  } else if (!result.duplicated_examples.empty() || !result.unexpected_examples.empty()) {
    const bool duplicated = !result.duplicated_examples.empty();
    const auto& read =
        duplicated ? result.duplicated_examples.front() : result.unexpected_examples.front();
    outcome.history_judge =
        history_finding(duplicated ? "duplicated" : "unexpected",
                        fmt::format("the read ending at op {} holds {} {} ({})", read.read,
                                    element_text(read.key, read.element),
                                    duplicated ? "twice" : "that nobody added", counts),
                        time_at(outcome.history, read.read));
  }
}

void judge_counter(RunOutcome& outcome, counter::CounterKind kind) {
  const counter::CounterResult result = counter::check_counter(outcome.history, kind);
  if (result.anomalies.empty()) return;
  const counter::CounterAnomaly& first = result.anomalies.front();
  std::string counts;
  for (const auto& [name, count] : result.counts)
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", count, name);
  outcome.history_judge = history_finding(
      first.name, fmt::format("process {} {} (in all: {})", first.process, first.detail, counts),
      time_at(outcome.history, first.read));
}

}  // namespace

bool is_eventual_run_model(std::string_view model) {
  return model == "set-full" || counter::parse_counter_model(model).has_value();
}

void judge_eventual_history(RunOutcome& outcome) {
  try {
    if (const auto kind = counter::parse_counter_model(outcome.scenario.checker)) {
      judge_counter(outcome, *kind);
    } else {
      judge_set_full(outcome);
    }
    outcome.history_judged = true;
  } catch (const history::OpError&
               error) {  // the workload wrote ops its checker cannot read: the lab's bug
    outcome.internal_error = fmt::format("the {} checker cannot read the run's history: op {}: {}",
                                         outcome.scenario.checker, error.position(), error.what());
  }
}

}  // namespace simlab

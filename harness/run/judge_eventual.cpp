#include "harness/run/judge_eventual.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "checkers/causal/causal_checker.h"
#include "checkers/convergence/convergence.h"
#include "checkers/counter/counter_checker.h"
#include "checkers/history/anomaly_list.h"
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

// The invocation of the op that completed at `position` (-1 for none).
std::int64_t invocation_of(const std::vector<std::int64_t>& invocations, std::int64_t position) {
  if (position < 0 || static_cast<std::size_t>(position) >= invocations.size()) return -1;
  return invocations[static_cast<std::size_t>(position)];
}

std::vector<std::int64_t> invocations_of(const history::History& history) {
  return history::invocation_positions(history::completion_positions(history));
}

nlohmann::json anomaly_json(const std::string& name, const std::optional<history::Value>& key,
                            std::vector<std::int64_t> ops, const std::string& detail) {
  std::erase(ops, -1);
  std::sort(ops.begin(), ops.end());
  return {{"name", name},
          {"key", key ? history::format_value(*key) : ""},
          {"ops", ops},
          {"detail", detail}};
}

// The explanation a run records (checkers/history/anomaly_list.h).
nlohmann::json anomaly_list(const std::string& checker,
                            const std::map<std::string, std::size_t>& counts,
                            nlohmann::json anomalies) {
  return {{"checker", checker}, {"counts", counts}, {"anomalies", std::move(anomalies)}};
}

std::string set_finding_text(const set_full::ElementFinding& finding) {
  return fmt::format("{} was known at op {} and is missing from the read ending at op {}",
                     element_text(finding.key, finding.element), finding.known,
                     finding.last_absent);
}

std::string resurrected_text(const set_full::ElementFinding& finding) {
  return fmt::format("{} was removed at op {} and is held again by the read ending at op {}",
                     element_text(finding.key, finding.element), finding.removed,
                     finding.last_present);
}

std::string read_finding_text(const set_full::ReadFinding& finding, bool duplicated) {
  return fmt::format("the read ending at op {} holds {} {}", finding.read,
                     element_text(finding.key, finding.element),
                     duplicated ? "twice" : "that nobody added");
}

// Each anomaly's ops: the add, the last read that saw the element before
// the read that missed it, and that read (the last, where the failure
// shows); a read's own.
nlohmann::json set_full_anomalies(const std::vector<std::int64_t>& invocations,
                                  const set_full::SetFullResult& result) {
  nlohmann::json anomalies = nlohmann::json::array();
  for (const auto& lost : result.lost_examples) {
    // The story marks the latest of an anomaly's ops as where it shows: a
    // read that saw the element after the one that missed it (another
    // replica's final read) is left out.
    const std::int64_t missing = invocation_of(invocations, lost.last_absent);
    const std::int64_t seen = invocation_of(invocations, lost.last_present);
    anomalies.push_back(anomaly_json(
        "lost", lost.key, {lost.add, seen < missing ? seen : -1, missing}, set_finding_text(lost)));
  }
  for (const auto& back : result.resurrected_examples) {
    // Every add and remove of the element: the story shows how they
    // crossed (a dot a re-add replaced, a remove a merge undid).
    std::vector<std::int64_t> ops = back.writes;
    ops.push_back(invocation_of(invocations, back.last_present));
    anomalies.push_back(
        anomaly_json("resurrected", back.key, std::move(ops), resurrected_text(back)));
  }
  for (const auto& read : result.duplicated_examples)
    anomalies.push_back(anomaly_json("duplicated", read.key,
                                     {invocation_of(invocations, read.read)},
                                     read_finding_text(read, true)));
  for (const auto& read : result.unexpected_examples)
    anomalies.push_back(anomaly_json("unexpected", read.key,
                                     {invocation_of(invocations, read.read)},
                                     read_finding_text(read, false)));
  return anomalies;
}

void judge_set_full(RunOutcome& outcome) {
  // simlab's set workloads run against eventually consistent stores: their
  // reads during the run may lag, and only the final reads, once the
  // replicas agree, must hold every element. A run whose final reads were
  // dropped (shrinking tries that) shows nothing lost, so a shrunk run keeps
  // the reads that show the loss.
  const set_full::SetFullResult result =
      set_full::check_set_full(outcome.history, {.loss_rule = set_full::LossRule::final_reads});
  const std::string counts =
      fmt::format("{} lost, {} resurrected, {} duplicated, {} unexpected of {} added", result.lost,
                  result.resurrected, result.duplicated, result.unexpected, result.attempted);
  if (!result.lost_examples.empty()) {
    const auto& lost = result.lost_examples.front();
    outcome.history_judge =
        history_finding("lost", fmt::format("{} ({})", set_finding_text(lost), counts),
                        time_at(outcome.history, lost.last_absent));
  } else if (!result.resurrected_examples.empty()) {
    const auto& back = result.resurrected_examples.front();
    outcome.history_judge =
        history_finding("resurrected", fmt::format("{} ({})", resurrected_text(back), counts),
                        time_at(outcome.history, back.last_present));
  } else if (!result.duplicated_examples.empty() || !result.unexpected_examples.empty()) {
    const bool duplicated = !result.duplicated_examples.empty();
    const auto& read =
        duplicated ? result.duplicated_examples.front() : result.unexpected_examples.front();
    outcome.history_judge =
        history_finding(duplicated ? "duplicated" : "unexpected",
                        fmt::format("{} ({})", read_finding_text(read, duplicated), counts),
                        time_at(outcome.history, read.read));
  } else {
    return;
  }
  std::map<std::string, std::size_t> named;
  if (result.lost > 0) named["lost"] = result.lost;
  if (result.resurrected > 0) named["resurrected"] = result.resurrected;
  if (result.duplicated > 0) named["duplicated"] = result.duplicated;
  if (result.unexpected > 0) named["unexpected"] = result.unexpected;
  outcome.explanation =
      anomaly_list("set-full", named, set_full_anomalies(invocations_of(outcome.history), result));
}

void judge_counter(RunOutcome& outcome, counter::CounterKind kind) {
  const counter::CounterResult result = counter::check_counter(outcome.history, kind);
  if (result.anomalies.empty()) return;
  const counter::CounterAnomaly& first = result.anomalies.front();
  outcome.history_judge =
      history_finding(first.name,
                      fmt::format("process {} {} (in all: {})", first.process, first.detail,
                                  history::anomaly_counts_text(result.counts)),
                      time_at(outcome.history, first.read));
  const std::vector<std::int64_t> invocations = invocations_of(outcome.history);
  nlohmann::json anomalies = nlohmann::json::array();
  for (const counter::CounterAnomaly& anomaly : result.anomalies) {
    anomalies.push_back(
        anomaly_json(anomaly.name, anomaly.key, {invocation_of(invocations, anomaly.read)},
                     fmt::format("process {} {}", anomaly.process, anomaly.detail)));
  }
  outcome.explanation = anomaly_list(std::string(counter::counter_model_name(kind)), result.counts,
                                     std::move(anomalies));
}

// Each anomaly's ops: the write the read returned, the write that
// overwrote it in the read's causal past, and the read.
void judge_causal(RunOutcome& outcome, causal::Scope scope) {
  const causal::CausalResult result = causal::check_causal(outcome.history, scope);
  if (result.anomalies.empty()) return;
  const causal::CausalAnomaly& first = result.anomalies.front();
  outcome.history_judge = history_finding(
      first.name,
      fmt::format("{} (in all: {})", first.detail, history::anomaly_counts_text(result.counts)),
      time_at(outcome.history, first.read));
  const std::vector<std::int64_t> invocations = invocations_of(outcome.history);
  nlohmann::json anomalies = nlohmann::json::array();
  for (const causal::CausalAnomaly& anomaly : result.anomalies) {
    std::vector<std::int64_t> ops = {anomaly.read_from, anomaly.overwrite,
                                     invocation_of(invocations, anomaly.read)};
    for (const std::int64_t read : anomaly.cycle_reads)
      ops.push_back(invocation_of(invocations, read));
    anomalies.push_back(anomaly_json(anomaly.name, anomaly.key, std::move(ops), anomaly.detail));
  }
  outcome.explanation =
      anomaly_list(causal::causal_model_name(scope), result.counts, std::move(anomalies));
}

// Replicas whose final reads of a key differ never converged: a liveness
// failure (Op::node names them), whatever the model's checker said.
void judge_convergence(RunOutcome& outcome) {
  const convergence::ConvergenceResult result = convergence::check_convergence(outcome.history);
  if (result.diverged == 0) return;
  const std::string detail = fmt::format(
      "the replicas did not converge: {} ({} of {} keys diverged)",
      convergence::describe_divergence(result.examples.front()), result.diverged, result.keys);
  if (!outcome.live) {  // clients went unserved too: both are said
    outcome.liveness_detail += "; " + detail;
    return;
  }
  outcome.live = false;
  outcome.liveness_anomaly = "diverged";
  outcome.liveness_detail = detail;
}

}  // namespace

void judge_eventual_history(RunOutcome& outcome) {
  try {
    const std::string& model = outcome.scenario.checker;
    if (const auto kind = counter::parse_counter_model(model)) {
      judge_counter(outcome, *kind);
    } else if (const auto scope = causal::parse_causal_model(model)) {
      judge_causal(outcome, *scope);
    } else if (model != convergence::kConvergenceModel) {
      judge_set_full(outcome);
    }
    judge_convergence(outcome);
    outcome.history_judged = true;
  } catch (const history::OpError&
               error) {  // the workload wrote ops its checker cannot read: the lab's bug
    outcome.internal_error = fmt::format("the {} checker cannot read the run's history: op {}: {}",
                                         outcome.scenario.checker, error.position(), error.what());
  }
}

}  // namespace simlab

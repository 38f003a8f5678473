#include "checkers/counter/counter_explanation.h"

#include <fmt/format.h>

#include "checkers/history/anomaly_list.h"
#include "checkers/history/value_format.h"

namespace simlab::counter {
namespace {

std::string counts_text(const CounterResult& result) {
  const std::string text = history::anomaly_counts_text(result.counts);
  return text.empty() ? "no anomalies" : text;
}

}  // namespace

std::string explain_text(const CounterResult& result, CounterKind kind) {
  std::string text = fmt::format(
      "{}: {}; {} ({} key(s)): {} adds ({} acknowledged, {} unknown), {} ok reads ({} final){}\n",
      linearizability::verdict_name(result.verdict), counts_text(result), counter_model_name(kind),
      result.keys, result.adds, result.acknowledged_adds, result.unknown_adds, result.reads,
      result.final_reads,
      result.widened
          ? "; the final reads' acceptable set was widened to its bounds (too many unknown adds)"
          : "");
  if (result.final_reads == 0) text += "  no read is marked final, so convergence was not judged\n";
  for (const CounterAnomaly& anomaly : result.anomalies)
    text += fmt::format("  {}: process {} {}\n", anomaly.name, anomaly.process, anomaly.detail);
  return text;
}

nlohmann::json explain_json(const CounterResult& result, CounterKind kind) {
  nlohmann::json anomalies = nlohmann::json::array();
  for (const CounterAnomaly& anomaly : result.anomalies) {
    nlohmann::json acceptable = nlohmann::json::array();
    for (const auto& [low, high] : anomaly.acceptable) acceptable.push_back({low, high});
    anomalies.push_back({{"name", anomaly.name},
                         {"key", anomaly.key ? history::format_value(*anomaly.key) : ""},
                         {"read", anomaly.read},
                         {"process", anomaly.process},
                         {"value", anomaly.value},
                         {"acceptable", std::move(acceptable)},
                         {"detail", anomaly.detail}});
  }
  return {{"checker", counter_model_name(kind)},
          {"verdict", linearizability::verdict_name(result.verdict)},
          {"keys", result.keys},
          {"add-count", result.adds},
          {"acknowledged-add-count", result.acknowledged_adds},
          {"unknown-add-count", result.unknown_adds},
          {"read-count", result.reads},
          {"final-read-count", result.final_reads},
          {"widened", result.widened},
          {"counts", result.counts},
          {"anomalies", std::move(anomalies)}};
}

}  // namespace simlab::counter

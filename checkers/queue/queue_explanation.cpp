#include "checkers/queue/queue_explanation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace simlab::queue {

std::string explain_text(const QueueCheckResult& result) {
  std::string text =
      fmt::format("{} ({} keys, {} acknowledged sends, {} polled records, {} unseen)\n",
                  result.valid ? "valid" : "invalid", result.keys, result.acknowledged_sends,
                  result.polled_records, result.unseen);
  for (const auto& [name, count] : result.counts) text += fmt::format("  {}: {}\n", name, count);
  for (const Anomaly& anomaly : result.anomalies) {
    text += fmt::format("    {}: {} (ops {})\n", anomaly.name, anomaly.detail,
                        fmt::join(anomaly.ops, ", "));
  }
  return text;
}

nlohmann::json explain_json(const QueueCheckResult& result) {
  nlohmann::json anomalies = nlohmann::json::array();
  for (const Anomaly& anomaly : result.anomalies) {
    anomalies.push_back({{"name", anomaly.name},
                         {"key", anomaly.key},
                         {"offsets", anomaly.offsets},
                         {"values", anomaly.values},
                         {"ops", anomaly.ops},
                         {"detail", anomaly.detail}});
  }
  return {{"verdict", result.valid ? "valid" : "invalid"},
          {"counts", result.counts},
          {"anomalies", anomalies},
          {"keys", result.keys},
          {"acknowledged-sends", result.acknowledged_sends},
          {"polled-records", result.polled_records},
          {"unseen", result.unseen}};
}

}  // namespace simlab::queue

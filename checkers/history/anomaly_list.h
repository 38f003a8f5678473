// Checkers whose explanation is a list of named anomalies, each with the
// ops that show it: {"checker", "counts": {name: n}, "anomalies": [{"name",
// "key", "ops": [invocation indices], "detail"}]}. The queue checker's
// (queue_explanation.h, which adds its lanes) and the eventual-consistency
// checkers' as the run judge records them. A run page lists the anomalies
// and the causal story anchors on the first one's ops.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace simlab::history {

// The eventual-consistency models: set-full (checkers/set), the counters
// (checkers/counter), convergence (checkers/convergence), and causal
// consistency, causal convergence and the session guarantees
// (checkers/causal).
inline bool is_eventual_consistency_model(std::string_view model) {
  return model == "set-full" || model == "g-counter" || model == "pn-counter" ||
         model == "convergence" || model == "causal" || model == "session" || model == "ccv";
}

// "2 lost, 1 stale": each named anomaly's count, in name order; "" for none.
inline std::string anomaly_counts_text(const std::map<std::string, std::size_t>& counts) {
  std::string text;
  for (const auto& [name, count] : counts)
    text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + name;
  return text;
}

inline bool is_anomaly_list_checker(std::string_view checker) {
  return checker == "queue" || is_eventual_consistency_model(checker);
}

}  // namespace simlab::history

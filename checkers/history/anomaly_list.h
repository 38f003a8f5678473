// Checkers whose explanation is a list of named anomalies, each with the
// ops that show it: {"checker", "counts": {name: n}, "anomalies": [{"name",
// "key", "ops": [invocation indices], "detail"}]}. The queue checker's
// (queue_explanation.h, which adds its lanes) and the eventual-consistency
// checkers' as the run judge records them. A run page lists the anomalies
// and the causal story anchors on the first one's ops.
#pragma once

#include <string_view>

namespace simlab::history {

inline bool is_anomaly_list_checker(std::string_view checker) {
  return checker == "queue" || checker == "set-full" || checker == "g-counter" ||
         checker == "pn-counter";
}

}  // namespace simlab::history

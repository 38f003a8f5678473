// The counter verdict as a person reads it (text) and as tools read it:
//   {"checker": "g-counter" | "pn-counter", "verdict", "keys", "add-count",
//    "acknowledged-add-count", "unknown-add-count", "read-count",
//    "final-read-count", "widened", "counts": {anomaly: n},
//    "anomalies": [{"name", "key", "read", "process", "value",
//                   "acceptable": [[low, high]...], "detail"}]}
// Reads are history positions of their ok completions; keys are EDN text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "checkers/counter/counter_checker.h"

namespace simlab::counter {

std::string explain_text(const CounterResult& result, CounterKind kind);
nlohmann::json explain_json(const CounterResult& result, CounterKind kind);

}  // namespace simlab::counter

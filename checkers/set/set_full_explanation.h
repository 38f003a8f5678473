// The set-full verdict as a person reads it (text) and as tools read it
// (JSON, Jepsen's field names where it has them):
//   {"checker": "set-full", "verdict", "keys", "attempted-count",
//    "acknowledged-count", "read-count", "stable-count", "lost-count",
//    "never-read-count", "stale-count", "duplicated-count",
//    "unexpected-count", "lost": [finding...], "stale", "never-read",
//    "duplicated": [{"key", "element", "read"}], "unexpected",
//    "stable-latency-ns": {"min", "median", "p95", "p99", "max"},
//    "lost-latency-ns"}
// where a finding is {"key", "element", "add", "acknowledged", "known", "last-present",
// "last-absent", "latency-ns"}: ops as history positions (-1 for none),
// keys and elements as EDN text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "checkers/set/set_full.h"

namespace simlab::set_full {

std::string explain_text(const SetFullResult& result);
nlohmann::json explain_json(const SetFullResult& result);

}  // namespace simlab::set_full

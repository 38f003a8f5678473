// The queue checker's verdict as a person reads it (text) and as tools read
// it (JSON): counts per anomaly, then each example with its key, offsets,
// values and ops.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_history.h"

namespace simlab::queue {

std::string explain_text(const QueueCheckResult& result);
nlohmann::json explain_json(const QueueCheckResult& result);

// Examples an explanation_json lists (explain_json lists every one kept).
inline constexpr std::size_t kExplainedAnomaliesMax = 20;

// What a run records as its explanation (result.json) when the queue checker
// found an anomaly, for the run page to draw: explain_json's fields, the
// examples cut to kExplainedAnomaliesMax, and a lane per key they name
// (queue_lanes.h, with its default limits):
//   "checker": "queue"
//   "lanes": [{"key", "end", "from", "to", "cut", "marked": {anomaly: cells},
//              "marked-outside", "unplaced": [example...],
//              "cells": [{"offset", "values", "marks",
//                         "writes": [{"op", "process", "value"}],
//                         "reads": [{"op", "process", "value", "final"}],
//                         "left-out"}]}]
//   "cut": {"anomalies", "keys"}   how many examples and lanes were left out
// Ops are their invocations' history indices; values and keys are EDN text.
nlohmann::json explanation_json(const QueueHistory& history, const QueueCheckResult& result);

}  // namespace simlab::queue

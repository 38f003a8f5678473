// The queue checker's verdict as a person reads it (text) and as tools read
// it (JSON): counts per anomaly, then each example with its key, offsets,
// values and ops.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "checkers/queue/queue_checker.h"

namespace simlab::queue {

std::string explain_text(const QueueCheckResult& result);
nlohmann::json explain_json(const QueueCheckResult& result);

}  // namespace simlab::queue

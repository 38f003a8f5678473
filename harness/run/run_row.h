// A run's row in the results store, read off its result.json: the same
// reading for `simlab run` and for a swarm's workers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/results_store.h"
#include "harness/scenario.h"

namespace simlab {

// The row for `seed` of `scenario` kept in `folder`; `result` is its
// result.json (null when the worker wrote none: the row says "crash").
RunRow run_row(const Scenario& scenario, const std::string& key, std::uint64_t seed,
               const std::string& folder, const nlohmann::json& result);
// Reads folder/result.json (null if missing or unreadable).
nlohmann::json read_result_json(const std::string& folder);

}  // namespace simlab

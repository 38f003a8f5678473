// result.json: a run's verdict, each judge's finding, its figures and its
// fault timeline.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/run/run_outcome.h"

namespace simlab {

nlohmann::json outcome_to_json(const RunOutcome& outcome, const std::string& replay_command);

}  // namespace simlab

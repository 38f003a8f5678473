// A scenario's "script" field: each client's ops, as shrinking writes them
// and a person may edit them:
//   "script": [[{"at_ns": 0, "f": "write", "key": 2, "value": 17}, ...], ...]
// one array per client; "key" is left out for single-register workloads.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "workloads/client_script.h"

namespace simlab {

nlohmann::json scripts_to_json(const std::vector<ClientScript>& scripts);
// Throws json_fields::FieldError naming the op (e.g. "script[1][4].at_ns").
std::vector<ClientScript> scripts_from_json(const nlohmann::json& json);

}  // namespace simlab

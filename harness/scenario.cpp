#include "harness/scenario.h"

#include <fstream>
#include <set>

#include <fmt/format.h>

namespace simlab {
namespace {

using nlohmann::json;

void reject_unknown(const json& object, const std::string& path, const std::set<std::string>& known) {
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) {
      throw ScenarioError(path.empty() ? key : path + "." + key, "unknown field");
    }
  }
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

template <typename T>
void read(const json& object, const std::string& path, const std::string& key, T& out) {
  auto it = object.find(key);
  if (it == object.end()) return;
  const std::string field = join(path, key);
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) throw ScenarioError(field, "expected true or false");
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) throw ScenarioError(field, "expected a string");
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!it->is_number()) throw ScenarioError(field, "expected a number");
  } else {
    if (!it->is_number_integer()) throw ScenarioError(field, "expected an integer");
    if (std::is_unsigned_v<T> && it->template get<std::int64_t>() < 0) {
      throw ScenarioError(field, "expected a non-negative integer");
    }
  }
  out = it->template get<T>();
}

void parse_faults(const json& object, faults::FaultMix& mix) {
  if (!object.is_object()) throw ScenarioError("faults", "expected an object");
  std::set<std::string> known = {"duration_ms_max", "partition_shapes"};
  for (std::size_t kind = 0; kind < faults::kFaultKindCount; ++kind) {
    known.insert(std::string(faults::fault_kind_name(static_cast<faults::FaultKind>(kind))));
  }
  reject_unknown(object, "faults", known);
  read(object, "faults", "duration_ms_max", mix.duration_ms_max);
  if (mix.duration_ms_max < 1) throw ScenarioError("faults.duration_ms_max", "must be at least 1");
  for (std::size_t kind = 0; kind < faults::kFaultKindCount; ++kind) {
    const std::string name(faults::fault_kind_name(static_cast<faults::FaultKind>(kind)));
    auto it = object.find(name);
    if (it == object.end()) continue;
    const std::string path = "faults." + name;
    if (!it->is_object()) throw ScenarioError(path, "expected an object like {\"rate\": 0.5, \"intensity\": 1}");
    reject_unknown(*it, path, {"rate", "intensity"});
    mix.intensity[kind] = 1.0;
    read(*it, path, "rate", mix.rate_per_s[kind]);
    read(*it, path, "intensity", mix.intensity[kind]);
    if (mix.rate_per_s[kind] < 0) throw ScenarioError(path + ".rate", "must not be negative");
    if (mix.intensity[kind] < 0 || mix.intensity[kind] > 1) {
      throw ScenarioError(path + ".intensity", "must be between 0 and 1");
    }
  }
  if (auto it = object.find("partition_shapes"); it != object.end()) {
    if (!it->is_array()) throw ScenarioError("faults.partition_shapes", "expected an array of shape names");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& shape = (*it)[i];
      const auto parsed = shape.is_string() ? faults::parse_partition_shape(shape.get<std::string>())
                                            : std::nullopt;
      if (!parsed) {
        throw ScenarioError(fmt::format("faults.partition_shapes[{}]", i),
                            "expected one of halves, random-halves, one-node, majorities-ring, bridge, one-way");
      }
      mix.partition_shapes.push_back(*parsed);
    }
  }
}

}  // namespace

Scenario parse_scenario(const json& object) {
  if (!object.is_object()) throw ScenarioError("", "a scenario must be a JSON object");
  reject_unknown(object, "",
                 {"name", "system", "workload", "nodes", "clients", "safety_ms", "liveness_ms",
                  "op_timeout_ms", "think_ms_max", "faults", "swarm", "bug", "buggify", "checker",
                  "system_options", "seed", "timeline"});
  Scenario scenario;
  read(object, "", "name", scenario.name);
  read(object, "", "system", scenario.system);
  read(object, "", "workload", scenario.workload);
  read(object, "", "nodes", scenario.nodes);
  read(object, "", "clients", scenario.clients);
  read(object, "", "safety_ms", scenario.safety_ms);
  read(object, "", "liveness_ms", scenario.liveness_ms);
  read(object, "", "op_timeout_ms", scenario.op_timeout_ms);
  read(object, "", "think_ms_max", scenario.think_ms_max);
  read(object, "", "swarm", scenario.swarm);
  read(object, "", "bug", scenario.bug);
  read(object, "", "buggify", scenario.buggify);
  read(object, "", "checker", scenario.checker);
  read(object, "", "seed", scenario.seed);
  if (auto it = object.find("faults"); it != object.end()) parse_faults(*it, scenario.faults);
  if (auto it = object.find("timeline"); it != object.end()) {
    if (!it->is_array()) throw ScenarioError("timeline", "expected an array of faults");
    for (std::size_t i = 0; i < it->size(); ++i) {
      try {
        scenario.timeline.push_back(faults::scripted_fault_from_json((*it)[i], fmt::format("timeline[{}]", i)));
      } catch (const std::invalid_argument& error) {
        const std::string message = error.what();
        const auto colon = message.find(": ");
        throw ScenarioError(message.substr(0, colon), message.substr(colon + 2));
      }
    }
  }
  if (auto it = object.find("system_options"); it != object.end()) {
    if (!it->is_object()) throw ScenarioError("system_options", "expected an object");
    scenario.system_options = *it;
  }
  if (scenario.nodes < 1 || scenario.nodes > 64) throw ScenarioError("nodes", "expected 1 to 64");
  if (scenario.clients < 1 || scenario.clients > 1000) throw ScenarioError("clients", "expected 1 to 1000");
  if (scenario.safety_ms < 0) throw ScenarioError("safety_ms", "must not be negative");
  if (scenario.liveness_ms < 1) throw ScenarioError("liveness_ms", "must be at least 1");
  if (scenario.op_timeout_ms < 1) throw ScenarioError("op_timeout_ms", "must be at least 1");
  if (scenario.think_ms_max < 0) throw ScenarioError("think_ms_max", "must not be negative");
  return scenario;
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError("", fmt::format("{}: cannot open the scenario file", path));
  json object;
  try {
    object = json::parse(in);
  } catch (const json::parse_error& error) {
    throw ScenarioError("", fmt::format("{}: not valid JSON ({})", path, error.what()));
  }
  try {
    return parse_scenario(object);
  } catch (const ScenarioError& error) {
    throw ScenarioError(error.field(), fmt::format("{}: {}", path, error.what()));
  }
}

json scenario_to_json(const Scenario& scenario) {
  json faults_json = json::object();
  faults_json["duration_ms_max"] = scenario.faults.duration_ms_max;
  for (std::size_t kind = 0; kind < faults::kFaultKindCount; ++kind) {
    if (scenario.faults.rate_per_s[kind] <= 0) continue;
    faults_json[std::string(faults::fault_kind_name(static_cast<faults::FaultKind>(kind)))] = {
        {"rate", scenario.faults.rate_per_s[kind]}, {"intensity", scenario.faults.intensity[kind]}};
  }
  if (!scenario.faults.partition_shapes.empty()) {
    json shapes = json::array();
    for (auto shape : scenario.faults.partition_shapes) shapes.push_back(faults::partition_shape_name(shape));
    faults_json["partition_shapes"] = shapes;
  }
  json timeline = json::array();
  for (const auto& fault : scenario.timeline) timeline.push_back(faults::scripted_fault_to_json(fault));
  return json{{"name", scenario.name},           {"system", scenario.system},
              {"workload", scenario.workload},   {"nodes", scenario.nodes},
              {"clients", scenario.clients},     {"safety_ms", scenario.safety_ms},
              {"liveness_ms", scenario.liveness_ms}, {"op_timeout_ms", scenario.op_timeout_ms},
              {"think_ms_max", scenario.think_ms_max}, {"faults", faults_json},
              {"swarm", scenario.swarm},         {"bug", scenario.bug},
              {"buggify", scenario.buggify},     {"checker", scenario.checker},
              {"system_options", scenario.system_options}, {"timeline", timeline},
              {"seed", scenario.seed}};
}

Scenario default_scenario() {
  Scenario scenario;
  scenario.name = "register-default";
  scenario.system = "register";
  scenario.nodes = 3;
  scenario.clients = 4;
  scenario.safety_ms = 5'000;
  scenario.liveness_ms = 5'000;
  using faults::FaultKind;
  for (FaultKind kind : {FaultKind::partition, FaultKind::crash, FaultKind::pause, FaultKind::clock,
                         FaultKind::packet, FaultKind::clog}) {
    scenario.faults.rate(kind) = 0.3;
    scenario.faults.strength(kind) = 1.0;
  }
  scenario.faults.duration_ms_max = 1'000;
  return scenario;
}

}  // namespace simlab

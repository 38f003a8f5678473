#include "harness/scenario.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "faults/json_fields.h"
#include "harness/client_script_json.h"

namespace simlab {
namespace {

using json_fields::FieldError;
using nlohmann::json;

// Bounds on what one run may ask for: a day of simulated time per phase
// keeps every nanosecond sum far inside int64.
constexpr std::int64_t kPhaseMsMax = 24 * 3600 * 1000;
constexpr std::int64_t kOpTimeoutMsMax = 3600 * 1000;
constexpr std::uint32_t kNodesMax = 64;
constexpr std::uint32_t kClientsMax = 1000;
constexpr double kFaultRatePerSecondMax = 1000;

void parse_fault_kinds(const json& object, faults::FaultMix& mix) {
  for (std::size_t kind = 0; kind < faults::kFaultKindCount; ++kind) {
    const std::string name(faults::fault_kind_name(static_cast<faults::FaultKind>(kind)));
    auto it = object.find(name);
    if (it == object.end()) continue;
    const std::string path = "faults." + name;
    if (!it->is_object())
      throw FieldError(path, "expected an object like {\"rate\": 0.5, \"intensity\": 1}");
    json_fields::reject_unknown(*it, path, {"rate", "intensity"});
    mix.intensity[kind] = 1.0;
    json_fields::read_number(*it, path, "rate", mix.rate_per_s[kind], 0, kFaultRatePerSecondMax);
    json_fields::read_number(*it, path, "intensity", mix.intensity[kind], 0, 1);
  }
}

void parse_faults(const json& object, faults::FaultMix& mix) {
  if (!object.is_object()) throw FieldError("faults", "expected an object");
  std::set<std::string> known = {"duration_ms_max", "partition_shapes", "targeted"};
  for (std::size_t kind = 0; kind < faults::kFaultKindCount; ++kind) {
    known.insert(std::string(faults::fault_kind_name(static_cast<faults::FaultKind>(kind))));
  }
  json_fields::reject_unknown(object, "faults", known);
  json_fields::read_integer<std::int64_t>(object, "faults", "duration_ms_max", mix.duration_ms_max,
                                          1, kPhaseMsMax);
  json_fields::read_number(object, "faults", "targeted", mix.targeted, 0, 1);
  parse_fault_kinds(object, mix);
  if (auto it = object.find("partition_shapes"); it != object.end()) {
    if (!it->is_array())
      throw FieldError("faults.partition_shapes", "expected an array of shape names");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& shape = (*it)[i];
      const auto parsed = shape.is_string() ? faults::parse_partition_shape(shape.get<std::string>())
                                            : std::nullopt;
      if (!parsed) {
        throw FieldError(
            fmt::format("faults.partition_shapes[{}]", i),
            "expected one of halves, random-halves, one-node, majorities-ring, bridge, one-way");
      }
      mix.partition_shapes.push_back(*parsed);
    }
  }
}

// Every node a timeline fault names must be one of the cluster's.
void check_timeline_nodes(const Scenario& scenario) {
  for (std::size_t i = 0; i < scenario.timeline.size(); ++i) {
    for (NodeId node : scenario.timeline[i].nodes()) {
      if (node < kFirstNodeId || node >= kFirstNodeId + scenario.nodes) {
        throw FieldError(fmt::format("timeline[{}]", i),
                         fmt::format("node {} is not in the {}-node cluster (nodes are 1 to {})",
                                     node, scenario.nodes, scenario.nodes));
      }
    }
  }
}

void parse_timeline(const json& array, Scenario& scenario) {
  if (!array.is_array()) throw FieldError("timeline", "expected an array of faults");
  for (std::size_t i = 0; i < array.size(); ++i) {
    scenario.timeline.push_back(
        faults::scripted_fault_from_json(array[i], fmt::format("timeline[{}]", i)));
  }
  check_timeline_nodes(scenario);
}

// A script sets the number of clients; a "clients" that says otherwise is
// a mistake, not a default to override.
void parse_script(const json& array, const json& object, Scenario& scenario) {
  scenario.script = scripts_from_json(array);
  if (scenario.script.empty()) return;
  if (scenario.script.size() > kClientsMax)
    throw FieldError("script", fmt::format("at most {} clients", kClientsMax));
  const auto clients = static_cast<std::uint32_t>(scenario.script.size());
  if (object.contains("clients") && scenario.clients != clients) {
    throw FieldError("clients",
                     fmt::format("the script has {} clients, not {}", clients, scenario.clients));
  }
  scenario.clients = clients;
}

void read_numbers(const json& object, Scenario& scenario) {
  using json_fields::read_integer;
  read_integer<std::uint32_t>(object, "", "nodes", scenario.nodes, 1, kNodesMax);
  read_integer<std::uint32_t>(object, "", "clients", scenario.clients, 1, kClientsMax);
  read_integer<std::int64_t>(object, "", "safety_ms", scenario.safety_ms, 0, kPhaseMsMax);
  read_integer<std::int64_t>(object, "", "liveness_ms", scenario.liveness_ms, 1, kPhaseMsMax);
  read_integer<std::int64_t>(object, "", "op_timeout_ms", scenario.op_timeout_ms, 1,
                             kOpTimeoutMsMax);
  read_integer<std::int64_t>(object, "", "think_ms_max", scenario.think_ms_max, 0, kOpTimeoutMsMax);
  read_integer<std::uint64_t>(object, "", "seed", scenario.seed);
}

Scenario parse_fields(const json& object) {
  if (!object.is_object()) throw FieldError("", "a scenario must be a JSON object");
  json_fields::reject_unknown(object, "",
                              {"name",
                               "system",
                               "workload",
                               "nodes",
                               "clients",
                               "safety_ms",
                               "liveness_ms",
                               "op_timeout_ms",
                               "think_ms_max",
                               "faults",
                               "swarm",
                               "bug",
                               "buggify",
                               "checker",
                               "system_options",
                               "seed",
                               "timeline",
                               "script",
                               "final_reads",
                               "minimum_latency",
                               "script_op_streams",
                               "workload_options",
                               "regions"});
  Scenario scenario;
  json_fields::read_string(object, "", "name", scenario.name);
  json_fields::read_string(object, "", "system", scenario.system);
  json_fields::read_string(object, "", "workload", scenario.workload);
  json_fields::read_string(object, "", "bug", scenario.bug);
  json_fields::read_string(object, "", "checker", scenario.checker);
  json_fields::read_bool(object, "", "swarm", scenario.swarm);
  json_fields::read_bool(object, "", "final_reads", scenario.final_reads);
  json_fields::read_bool(object, "", "script_op_streams", scenario.script_op_streams);
  json_fields::read_bool(object, "", "minimum_latency", scenario.minimum_latency);
  if (object.contains("buggify")) {
    bool buggify = false;
    json_fields::read_bool(object, "", "buggify", buggify);
    scenario.buggify = buggify;
  }
  read_numbers(object, scenario);
  if (auto it = object.find("regions"); it != object.end()) scenario.regions = parse_regions(*it);
  if (auto it = object.find("faults"); it != object.end()) parse_faults(*it, scenario.faults);
  if (auto it = object.find("timeline"); it != object.end()) parse_timeline(*it, scenario);
  if (auto it = object.find("script"); it != object.end()) parse_script(*it, object, scenario);
  if (auto it = object.find("system_options"); it != object.end()) {
    if (!it->is_object()) throw FieldError("system_options", "expected an object");
    scenario.system_options = *it;
  }
  if (auto it = object.find("workload_options"); it != object.end()) {
    if (!it->is_object()) throw FieldError("workload_options", "expected an object");
    scenario.workload_options = *it;
  }
  return scenario;
}

}  // namespace

Scenario parse_scenario(const json& object) {
  try {
    return parse_fields(object);
  } catch (const FieldError& error) {
    throw ScenarioError(error.field(), error.message());
  }
}

Scenario load_scenario(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    const bool exists = std::filesystem::exists(path, error);
    throw ScenarioError("", exists ? "not a regular file" : "no such scenario file", path, !exists);
  }
  std::ifstream in(path);
  if (!in) throw ScenarioError("", "cannot open the scenario file", path, true);
  json object;
  try {
    object = json::parse(in);
  } catch (const json::parse_error& parse_error) {
    throw ScenarioError("", fmt::format("not valid JSON ({})", parse_error.what()), path);
  }
  try {
    return parse_scenario(object);
  } catch (const ScenarioError& scenario_error) {
    throw scenario_error.in_file(path);
  }
}

json scenario_to_json(const Scenario& scenario) {
  json faults_json = json::object();
  faults_json["duration_ms_max"] = scenario.faults.duration_ms_max;
  if (scenario.faults.targeted > 0) faults_json["targeted"] = scenario.faults.targeted;
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
  json out{{"name", scenario.name},
           {"system", scenario.system},
           {"workload", scenario.workload},
           {"nodes", scenario.nodes},
           {"clients", scenario.clients},
           {"safety_ms", scenario.safety_ms},
           {"liveness_ms", scenario.liveness_ms},
           {"op_timeout_ms", scenario.op_timeout_ms},
           {"think_ms_max", scenario.think_ms_max},
           {"faults", faults_json},
           {"swarm", scenario.swarm},
           {"bug", scenario.bug},
           {"checker", scenario.checker},
           {"system_options", scenario.system_options},
           {"timeline", timeline},
           {"seed", scenario.seed}};
  if (scenario.buggify) out["buggify"] = *scenario.buggify;  // unset: the swarm's to choose
  // Written only when they differ from the defaults, so a scenario without
  // them reads as it always did.
  if (!scenario.script.empty()) out["script"] = scripts_to_json(scenario.script);
  if (scenario.script_op_streams) out["script_op_streams"] = true;
  if (!scenario.final_reads) out["final_reads"] = false;
  if (scenario.minimum_latency) out["minimum_latency"] = true;
  if (!scenario.workload_options.empty()) out["workload_options"] = scenario.workload_options;
  if (!scenario.regions.empty()) out["regions"] = regions_to_json(scenario.regions);
  return out;
}

Scenario register_demo_scenario() {
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

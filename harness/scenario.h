// A scenario: everything one run needs besides its seed, as JSON. Reading is
// strict: an unknown field or a wrong type is an error naming the field, so a
// typo never silently tests the defaults.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faults/fault_mix.h"
#include "faults/scripted_fault.h"

namespace simlab {

struct Scenario {
  std::string name = "default";
  std::string system = "register";
  std::string workload;  // empty: the system's default workload
  std::uint32_t nodes = 3;
  std::uint32_t clients = 4;
  std::int64_t safety_ms = 5'000;    // faults on
  std::int64_t liveness_ms = 5'000;  // after healing: the bound for progress
  std::int64_t op_timeout_ms = 500;
  std::int64_t think_ms_max = 20;
  faults::FaultMix faults;
  std::vector<faults::ScriptedFault> timeline;  // scripted faults, on top of the rates
  bool swarm = false;  // each seed picks a random subset of `faults`
  std::string bug;     // a planted bug, or empty
  bool buggify = false;
  std::string checker;  // empty: the workload's model
  nlohmann::json system_options = nlohmann::json::object();
  std::uint64_t seed = 1;
};

// Bad scenario input, with the JSON path of the field at fault
// (e.g. "faults.partition.rate").
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string field, const std::string& message)
      : std::runtime_error(field.empty() ? message : field + ": " + message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

Scenario parse_scenario(const nlohmann::json& json);
Scenario load_scenario(const std::string& path);  // throws ScenarioError naming the file
nlohmann::json scenario_to_json(const Scenario& scenario);
// The scenario `simlab run --seed N` uses when given no file.
Scenario default_scenario();

}  // namespace simlab

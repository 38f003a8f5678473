// A scenario: everything one run needs besides its seed, as JSON. Reading is
// strict: an unknown field or a wrong type is an error naming the field, so a
// typo never silently tests the defaults.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "faults/fault_mix.h"
#include "faults/scripted_fault.h"
#include "harness/scenario_regions.h"
#include "workloads/client_script.h"

namespace simlab {

struct Scenario {
  std::string name = "default";
  std::string system = "register";
  std::string workload;  // empty: the system's default workload
  std::uint32_t nodes = 3;
  std::uint32_t clients = 4;
  Regions regions;                   // none: one flat network
  std::int64_t safety_ms = 5'000;    // faults on
  std::int64_t liveness_ms = 5'000;  // after healing: the bound for progress
  std::int64_t op_timeout_ms = 500;
  std::int64_t think_ms_max = 20;
  faults::FaultMix faults;
  std::vector<faults::ScriptedFault> timeline;  // scripted faults, on top of the rates
  // Each client's ops written down (shrinking makes them): when not empty,
  // clients run these instead of the workload's generator, and `clients`
  // is the number of scripts.
  std::vector<ClientScript> script;
  // Each scripted op draws from a stream of its own rather than its
  // client's (workloads/op_stream_env.h): shrinking switches it on once
  // the run fails that way, so that removing an op changes only that op.
  bool script_op_streams = false;
  bool final_reads = true;  // the workload's reads of every key after the heal
  // Every message and client call takes the network's smallest delay (no
  // draws): shrinking tries it, as DEMi minimises deliveries (NSDI 2016).
  bool minimum_latency = false;
  bool swarm = false;  // each seed picks a random subset of `faults`
  std::string bug;     // a planted bug, or empty
  // BUGGIFY (rare-path switches in the systems): on, off, or unset: then a
  // swarm turns it on for half the seeds, and a plain run leaves it off.
  // A resolved scenario always says which.
  std::optional<bool> buggify;
  std::string checker;  // empty: the workload's model
  nlohmann::json system_options = nlohmann::json::object();
  // The workload's own knobs (its mix of roles and ops), checked by the
  // workload (WorkloadEntry::options_error); empty: its defaults.
  nlohmann::json workload_options = nlohmann::json::object();
  std::uint64_t seed = 1;
};

// Bad scenario input, with the JSON path of the field at fault
// (e.g. "faults.partition.rate") and, once known, the file it came from:
// what() reads "FILE: FIELD: what was expected".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string field, const std::string& message, std::string file = "",
                bool missing_file = false)
      : std::runtime_error(compose(file, field, message)),
        field_(std::move(field)),
        message_(message),
        file_(std::move(file)),
        missing_file_(missing_file) {}
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }
  const std::string& file() const { return file_; }
  bool missing_file() const { return missing_file_; }  // exit 66, not 65
  ScenarioError in_file(const std::string& file) const {
    return ScenarioError(field_, message_, file, missing_file_);
  }

 private:
  static std::string compose(const std::string& file, const std::string& field,
                             const std::string& message) {
    return (file.empty() ? "" : file + ": ") + (field.empty() ? "" : field + ": ") + message;
  }
  std::string field_;
  std::string message_;
  std::string file_;
  bool missing_file_;
};

Scenario parse_scenario(const nlohmann::json& json);
Scenario load_scenario(const std::string& path);  // throws ScenarioError naming the file
nlohmann::json scenario_to_json(const Scenario& scenario);
// The register demo's scenario: three nodes, four clients, every network and
// process fault; the base for a system that has no default scenario of its own.
Scenario register_demo_scenario();

}  // namespace simlab

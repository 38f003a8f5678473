// The systems simlab can run, by name: how to build their nodes, the
// workloads their clients run, the models their histories are checked
// against, their planted bugs (each system's own list, from its factory)
// and their default scenario. One file per system registers it
// (harness/systems/<name>_entry.cpp); the table is in system_registry.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "faults/sim_nemesis.h"
#include "harness/scenario.h"
#include "sim/simulator.h"
#include "systems/common/node.h"
#include "workloads/client_env.h"
#include "workloads/client_script.h"
#include "workloads/history_recorder.h"

namespace simlab {

// What `simlab run` runs without --scenario or --system.
inline constexpr std::string_view kDefaultSystem = "raft";

struct ClientSettings {
  std::int64_t op_timeout_ns;
  std::int64_t think_ns_max;
  std::int64_t process_stride;  // the number of clients: a retired process id jumps by it
  bool script_op_streams;       // scripted ops draw from streams of their own
  // The resolved scenario's system_options, for workloads whose shape
  // follows the system's (the log's partition count).
  nlohmann::json system_options;
  nlohmann::json workload_options;  // the scenario's, already checked by the workload
  // The run's planted bug (empty: none), for bugs that live in a system's
  // client library rather than in its nodes.
  std::string bug;
  // When the faults heal and the liveness phase begins, in the test's time
  // (ClientEnv::now_ns): workloads whose final reads need the writes to stop
  // first (Jepsen's final generator runs after the main phase) stop writing
  // there.
  std::int64_t heal_ns = 0;
};

// Runs one client: its generator, or `script` when it is not null (the
// client's ops written down, as shrinking makes them).
using WorkloadRunner = std::function<void(ClientEnv&, HistoryRecorder&, std::int64_t process,
                                          const ClientSettings&, const ClientScript* script)>;

// Final reads (Jepsen's final generator): after the heal, reader `slot` of
// `readers` reads its share of every key the history touched; `process` is
// its first process id.
using FinalReadsRunner =
    std::function<void(ClientEnv&, HistoryRecorder&, std::int64_t process, std::int64_t slot,
                       std::int64_t readers, const ClientSettings&)>;

// Final readers' process ids start here, far above any client's.
inline constexpr std::int64_t kFinalReaderProcessBase = 1'000'000'000;

struct WorkloadEntry {
  std::string_view name;
  // The models that can judge its histories (`checker`); the first is the
  // default. Any other model would reject its ops.
  std::vector<std::string_view> models;
  WorkloadRunner run;
  FinalReadsRunner final_reads;  // empty: none
  // Empty if the scenario's workload_options suit this workload, else what
  // is wrong, naming the option ("roles: expected ..."). Empty function: the
  // workload has no options, and any given is an error.
  std::function<std::string(const nlohmann::json& options)> options_error;
};

// A client env of the run's driver (the simulator's, or a real run's), with
// its own random stream named `stream`.
using ClientEnvMaker = std::function<std::shared_ptr<ClientEnv>(std::string_view stream)>;

// Builds, for one run, the action that performs membership faults (remove,
// add, transfer) through the system's client protocol.
using AdminFactory =
    std::function<faults::AdminAction(const ClientEnvMaker&, const ClientSettings&)>;

// Builds, for one run, how the nemesis asks the cluster who is who
// (targeted faults), through the system's client protocol.
using ProbeFactory =
    std::function<faults::ClusterProbe(const ClientEnvMaker&, const ClientSettings&)>;

// Draws, for one swarm seed, the system options its scenario leaves open
// (FoundationDB's randomized knobs), given the largest clock-rate error the
// run's faults can cause.
using SwarmOptionsChooser = std::function<nlohmann::json(
    const nlohmann::json& written, double clock_drift_bound, RandomSource& random)>;

struct SystemEntry {
  std::string_view name;
  std::string_view description;
  const SystemFactory* factory;
  std::vector<WorkloadEntry> workloads;  // the first is the default
  AdminFactory admin;                    // empty: the system has no membership faults
  ProbeFactory probe;  // empty: targeted faults aim at the node clients last talked to
  SwarmOptionsChooser swarm_options;  // empty: the options are used as written
  // What `--system NAME` runs without a scenario file; empty: the register
  // demo's scenario with this system swapped in.
  std::function<Scenario()> default_scenario;
  std::vector<PlantedBug> bugs;  // filled from factory->planted_bugs()
};

std::span<const SystemEntry> systems();
const SystemEntry* find_system(std::string_view name);
const WorkloadEntry* find_workload(const SystemEntry& system, std::string_view name);
bool has_bug(const SystemEntry& system, std::string_view bug);

// The entries, one function each (harness/systems/<name>_entry.cpp).
SystemEntry raft_entry();
SystemEntry register_entry();
SystemEntry log_entry();
SystemEntry crdt_entry();

}  // namespace simlab

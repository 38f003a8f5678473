// The "raft" system: the key-value store on Raft (systems/kv, systems/raft),
// its KV workload, its membership faults and its default scenario.
#include <memory>

#include "harness/systems/system_registry.h"
#include "systems/kv/raft_system.h"
#include "systems/raft/swarm_options.h"
#include "workloads/kv_admin.h"
#include "workloads/kv_workload.h"

namespace simlab {
namespace {

// Re-adding a removed node is the heal of a remove: without it the liveness
// phase would run on a smaller cluster than the scenario asked for, so an
// add retries while nobody answers (no leader yet), up to the stop.
constexpr int kAddAttempts = 20;

faults::AdminAction raft_admin(const ClientEnvMaker& make_env, const ClientSettings& settings) {
  std::shared_ptr<ClientEnv> env = make_env("membership");
  KvClientOptions options;
  options.op_timeout_ns = settings.op_timeout_ns;
  return [env, options](const faults::ScriptedFault& fault) {
    if (fault.mode == "remove") {
      request_remove_server(*env, fault.node, options);
    } else if (fault.mode == "transfer") {
      request_leader_transfer(*env, fault.node, options);
    } else {
      for (int attempt = 0; attempt < kAddAttempts && !env->stopping(); ++attempt) {
        if (request_add_server(*env, fault.node, options) != AdminResult::no_answer) break;
      }
    }
  };
}

// A status request to every node, one at a time, each with a short
// timeout: a node that is down or paused simply does not answer.
constexpr std::int64_t kStatusTimeoutNs = 20 * kNanosecondsPerMillisecond;

faults::ClusterProbe raft_probe(const ClientEnvMaker& make_env, const ClientSettings&) {
  std::shared_ptr<ClientEnv> env = make_env("probe");
  return [env] {
    std::vector<faults::NodeStatus> statuses;
    for (NodeId node : env->nodes()) {
      faults::NodeStatus status;
      status.node = node;
      if (const auto answer = request_status(*env, node, kStatusTimeoutNs)) {
        status.answered = true;
        status.leader = answer->leader;
        status.term = answer->term;
        status.last_index = answer->last_index;
      }
      statuses.push_back(status);
    }
    return statuses;
  };
}

// `simlab swarm --system raft`: five nodes under every fault kind, swarm on,
// so each seed draws its own fault mix and Raft settings. Kept equal to
// scenarios/raft-default.json by a test.
Scenario raft_default_scenario() {
  return parse_scenario(nlohmann::json::parse(R"({
    "name": "raft-default",
    "system": "raft",
    "nodes": 5,
    "clients": 5,
    "safety_ms": 8000,
    "liveness_ms": 8000,
    "op_timeout_ms": 1000,
    "think_ms_max": 20,
    "swarm": true,
    "faults": {
      "duration_ms_max": 1500,
      "targeted": 1.0,
      "partition": {"rate": 0.6, "intensity": 1.0},
      "crash": {"rate": 0.5, "intensity": 1.0},
      "pause": {"rate": 0.3, "intensity": 1.0},
      "clock": {"rate": 0.8, "intensity": 1.0},
      "packet": {"rate": 0.2, "intensity": 1.0},
      "clog": {"rate": 0.3, "intensity": 1.0},
      "disk": {"rate": 0.2, "intensity": 1.0},
      "membership": {"rate": 0.8, "intensity": 0.6},
      "eio": {"rate": 0.2, "intensity": 1.0},
      "enospc": {"rate": 0.2, "intensity": 1.0}
    },
    "system_options": {"raft": {"election_ticks": 6}}
  })"));
}

}  // namespace

SystemEntry raft_entry() {
  static const kv::RaftSystemFactory raft_factory;
  SystemEntry entry{
      kv::kRaftSystemName,
      "a key-value store on Raft: pre-vote, check-quorum, CRC'd WAL, snapshots, membership, "
      "ReadIndex",
      &raft_factory,
      {WorkloadEntry{kKvWorkloadName,
                     {kKvModelName},
                     [](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        const ClientSettings& settings, const ClientScript* script) {
                       KvWorkloadOptions options;
                       options.client.op_timeout_ns = settings.op_timeout_ns;
                       options.think_ns_max = settings.think_ns_max;
                       options.process_stride = settings.process_stride;
                       options.op_streams = settings.script_op_streams;
                       run_kv_client(env, recorder, process, options, script);
                     },
                     [](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        std::int64_t slot, std::int64_t readers, const ClientSettings& settings) {
                       KvClientOptions options;
                       options.op_timeout_ns = settings.op_timeout_ns;
                       run_kv_final_reads(env, recorder, process, slot, readers, options);
                     },
                     {}}},
      raft_admin,
      raft_probe,
      raft::choose_swarm_options,
      raft_default_scenario,
      raft_factory.planted_bugs()};
  return entry;
}

}  // namespace simlab

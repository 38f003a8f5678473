// The "crdt" system: the geo-replicated CRDT store (systems/crdt), with
// Jepsen's set-full workload (the default), Maelstrom's pn-counter workload,
// and LWW and MV register workloads judged by the session guarantees (the
// store delivers each writer's deltas in order, not causally across
// writers), and its default scenario. No membership faults: the
// replicas are a fixed set.
#include "harness/systems/system_registry.h"
#include "systems/crdt/crdt_node.h"
#include "workloads/crdt_workload.h"

namespace simlab {
namespace {

CrdtWorkloadOptions crdt_options(CrdtWorkloadKind kind, const ClientSettings& settings) {
  CrdtWorkloadOptions options;
  options.kind = kind;
  options.op_timeout_ns = settings.op_timeout_ns;
  options.think_ns_max = settings.think_ns_max;
  options.process_stride = settings.process_stride;
  options.op_streams = settings.script_op_streams;
  options.writes_end_ns = settings.heal_ns;
  return options;
}

WorkloadEntry crdt_workload(std::string_view name, std::string_view model, CrdtWorkloadKind kind) {
  return WorkloadEntry{
      name,
      {model},
      [kind](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
             const ClientSettings& settings, const ClientScript* script) {
        run_crdt_client(env, recorder, process, crdt_options(kind, settings), script);
      },
      [kind](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process, std::int64_t slot,
             std::int64_t readers, const ClientSettings& settings) {
        run_crdt_final_reads(env, recorder, process, slot, readers, crdt_options(kind, settings));
      },
      {}};
}

// `simlab run --system crdt`: five servers in three regions (two, two and
// one, 20 to 60 ms apart one way) and two offline replicas (clients'
// devices, in the first region), ten clients, every fault kind but
// membership, swarm on. Kept equal to scenarios/crdt-default.json by a
// test.
Scenario crdt_default_scenario() {
  return parse_scenario(nlohmann::json::parse(R"({
    "name": "crdt-default",
    "system": "crdt",
    "workload": "set",
    "nodes": 7,
    "clients": 10,
    "regions": {"nodes": [[1, 2, 6, 7], [3, 4], [5]], "latency_ms": [20, 60]},
    "system_options": {"crdt": {"offline_replicas": 2}},
    "safety_ms": 20000,
    "liveness_ms": 8000,
    "op_timeout_ms": 500,
    "think_ms_max": 50,
    "swarm": true,
    "faults": {
      "duration_ms_max": 3000,
      "partition": {"rate": 0.6, "intensity": 1.0},
      "crash": {"rate": 0.5, "intensity": 1.0},
      "pause": {"rate": 0.3, "intensity": 1.0},
      "clock": {"rate": 0.5, "intensity": 1.0},
      "packet": {"rate": 0.3, "intensity": 1.0},
      "clog": {"rate": 0.3, "intensity": 1.0},
      "disk": {"rate": 0.2, "intensity": 1.0},
      "disk-loss": {"rate": 0.3, "intensity": 1.0},
      "offline": {"rate": 0.3, "intensity": 1.0}
    }
  })"));
}

}  // namespace

SystemEntry crdt_entry() {
  static const crdt::CrdtFactory crdt_factory;
  return SystemEntry{
      crdt::kCrdtSystemName,
      "a multi-master store of CRDTs (PN-counters, add-wins sets, LWW and MV registers) "
      "replicated by causal delta intervals with full-state anti-entropy",
      &crdt_factory,
      {crdt_workload(kCrdtSetWorkload, "set-full", CrdtWorkloadKind::set),
       crdt_workload(kCrdtCounterWorkload, "pn-counter", CrdtWorkloadKind::counter),
       crdt_workload(kCrdtRegisterWorkload, "session", CrdtWorkloadKind::lww_register),
       crdt_workload(kCrdtMvRegisterWorkload, "session", CrdtWorkloadKind::mv_register)},
      {},  // no membership faults
      {},  // targeted faults aim at the replicas clients last talked to
      {},
      crdt_default_scenario,
      crdt_factory.planted_bugs()};
}

}  // namespace simlab

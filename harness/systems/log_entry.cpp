// The "log" system: the Kafka-like commit log (systems/log), Jepsen's kafka
// queue workload against it, judged by the queue checker, and its default
// scenario. No membership faults: the brokers are a fixed set.
#include <algorithm>
#include <memory>

#include "harness/systems/log_workload_options.h"
#include "harness/systems/system_registry.h"
#include "systems/log/log_bugs.h"
#include "systems/log/log_options.h"
#include "systems/log/log_protocol.h"
#include "systems/log/log_system.h"
#include "systems/log/swarm_options.h"
#include "workloads/log_workload.h"

namespace simlab {
namespace {

// A number the brokers run with: the "log" group's `key`, as the
// scenario's system_options (already checked by the factory) say, else the
// system's default.
template <typename Number>
Number log_option(const nlohmann::json& system_options, const char* key, Number fallback) {
  if (!system_options.is_object()) return fallback;
  const auto group = system_options.find("log");
  if (group == system_options.end() || !group->is_object()) return fallback;
  const auto value = group->find(key);
  if (value == group->end() || !value->is_number_unsigned()) return fallback;
  return value->get<Number>();
}

LogWorkloadOptions workload_options(const ClientSettings& settings) {
  LogWorkloadOptions options;
  // Checked when the scenario was resolved (the entry's options_error).
  read_log_workload_options(
      settings.workload_options.is_object() ? settings.workload_options : nlohmann::json::object(),
      options);
  options.client.op_timeout_ns = settings.op_timeout_ns;
  options.think_ns_max = settings.think_ns_max;
  options.process_stride = settings.process_stride;
  options.partitions =
      log_option(settings.system_options, "partitions", commitlog::LogOptions{}.partitions);
  // A transaction left open (its client crashed, or stopped with the run)
  // holds read_committed readers back until its coordinator aborts it: the
  // drain waits out the transaction timeout too.
  const std::int64_t txn_timeout_ns =
      log_option<std::int64_t>(
          settings.system_options, "txn_timeout_ms",
          commitlog::LogOptions{}.txn_timeout_ns / kNanosecondsPerMillisecond) *
      kNanosecondsPerMillisecond;
  options.drain_settle_ns = 2 * settings.op_timeout_ns + txn_timeout_ns;
  options.op_streams = settings.script_op_streams;
  options.commit_before_process = settings.bug == commitlog::kCommitBeforeProcessBug;
  options.client.retry_out_of_order_with_new_epoch =
      settings.bug == commitlog::kRetriableOutOfOrderBug;
  return options;
}

// A metadata request to every node, one at a time, each with a short
// timeout: a node that is down or paused does not answer. A broker that
// names itself leader of some partition believes it leads; its term is the
// highest leader epoch it claims.
constexpr std::int64_t kStatusTimeoutNs = 20 * kNanosecondsPerMillisecond;

faults::NodeStatus node_status(ClientEnv& env, NodeId node) {
  faults::NodeStatus status;
  status.node = node;
  commitlog::ClientRequest request;
  request.kind = commitlog::ClientKind::metadata;
  const CallResult call =
      env.call(node, commitlog::encode_client_request(request), kStatusTimeoutNs);
  if (call.status != CallResult::Status::ok) return status;
  const auto reply = commitlog::decode_client_reply(call.response);
  if (!reply || reply->status != commitlog::ClientStatus::ok) return status;
  status.answered = true;
  for (const commitlog::PartitionInfo& info : reply->partitions) {
    if (info.leader != node || info.leader_epoch < 0) continue;
    status.leader = true;
    status.term = std::max(status.term, static_cast<std::uint64_t>(info.leader_epoch));
  }
  return status;
}

faults::ClusterProbe log_probe(const ClientEnvMaker& make_env, const ClientSettings&) {
  std::shared_ptr<ClientEnv> env = make_env("probe");
  return [env] {
    std::vector<faults::NodeStatus> statuses;
    for (NodeId node : env->nodes()) statuses.push_back(node_status(*env, node));
    return statuses;
  };
}

// `simlab swarm --system log`: three brokers, every fault kind but
// membership (and the disk's EIO and ENOSPC), swarm on. Kept equal to
// scenarios/log-default.json by a test.
Scenario log_default_scenario() {
  return parse_scenario(nlohmann::json::parse(R"({
    "name": "log-default",
    "system": "log",
    "nodes": 3,
    "clients": 5,
    "safety_ms": 30000,
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
      "disk": {"rate": 0.2, "intensity": 1.0}
    },
    "system_options": {"log": {"partitions": 3}}
  })"));
}

}  // namespace

SystemEntry log_entry() {
  static const commitlog::LogSystemFactory log_factory;
  SystemEntry entry{
      commitlog::kLogSystemName,
      "a Kafka-like commit log: partitions replicated by ISR with a high watermark, idempotent "
      "producers, a Raft controller",
      &log_factory,
      {WorkloadEntry{kLogWorkloadName,
                     {kLogModelName},
                     [](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        const ClientSettings& settings, const ClientScript* script) {
                       run_log_client(env, recorder, process, workload_options(settings), script);
                     },
                     [](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        std::int64_t slot, std::int64_t readers, const ClientSettings& settings) {
                       run_log_final_reads(env, recorder, process, slot, readers,
                                           workload_options(settings));
                     },
                     [](const nlohmann::json& options) {
                       LogWorkloadOptions scratch;
                       return read_log_workload_options(options, scratch);
                     }}},
      {},  // no membership faults
      log_probe,
      commitlog::choose_swarm_options,
      log_default_scenario,
      log_factory.planted_bugs()};
  return entry;
}

}  // namespace simlab

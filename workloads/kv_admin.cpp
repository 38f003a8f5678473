#include "workloads/kv_admin.h"

namespace simlab {
namespace {

AdminResult admin(ClientEnv& env, kv::RequestKind kind, NodeId node,
                  const KvClientOptions& options) {
  KvClientOptions once = options;
  KvClient client(env, 0, once);
  kv::Request request;
  request.kind = kind;
  request.node = node;
  const KvResult result = client.perform(request);
  switch (result.outcome) {
    case KvOutcome::ok: return AdminResult::accepted;
    case KvOutcome::fail: return AdminResult::refused;
    case KvOutcome::unknown: return AdminResult::no_answer;
  }
  return AdminResult::no_answer;
}

}  // namespace

const char* admin_result_name(AdminResult result) {
  switch (result) {
    case AdminResult::accepted: return "accepted";
    case AdminResult::refused: return "refused";
    case AdminResult::no_answer: return "no-answer";
  }
  return "?";
}

AdminResult request_add_server(ClientEnv& env, NodeId node, const KvClientOptions& options) {
  return admin(env, kv::RequestKind::add_server, node, options);
}

AdminResult request_remove_server(ClientEnv& env, NodeId node, const KvClientOptions& options) {
  return admin(env, kv::RequestKind::remove_server, node, options);
}

AdminResult request_leader_transfer(ClientEnv& env, NodeId target,
                                    const KvClientOptions& options) {
  return admin(env, kv::RequestKind::transfer_leader, target, options);
}

std::optional<kv::Response> request_status(ClientEnv& env, NodeId node, std::int64_t timeout_ns) {
  kv::Request request;
  request.kind = kv::RequestKind::status;
  const CallResult result = env.call(node, kv::encode_request(request), timeout_ns);
  if (result.status != CallResult::Status::ok) return std::nullopt;
  return kv::decode_response(result.response);
}

void run_membership_nemesis(ClientEnv& env, const MembershipNemesisOptions& options) {
  const std::vector<NodeId>& nodes = env.nodes();
  std::set<NodeId> removed;
  while (!env.stopping()) {
    env.sleep_for(options.interval_ns);
    if (env.stopping()) break;
    const NodeId node = nodes[env.random().below(nodes.size())];
    if (env.random().below(100) < options.transfer_percent) {
      request_leader_transfer(env, node, options.client);
    } else if (!removed.empty()) {
      const NodeId back = *removed.begin();
      if (request_add_server(env, back, options.client) != AdminResult::no_answer) {
        removed.erase(back);  // refused: it is already a member again
      }
    } else if (nodes.size() - removed.size() > options.voters_min) {
      if (request_remove_server(env, node, options.client) == AdminResult::accepted) {
        removed.insert(node);
      }
    }
  }
  // Heal: the liveness phase expects every node back in the cluster.
  for (int round = 0; round < 20 && !removed.empty(); ++round) {
    const NodeId back = *removed.begin();
    if (request_add_server(env, back, options.client) != AdminResult::no_answer) {
      removed.erase(back);
    }
  }
}

}  // namespace simlab

// Membership changes and leader transfers, asked of the KV store's leader the
// way an operator would: the nemesis side of the raft system. Each request
// finds the leader through redirects, like a client, and reports whether the
// leader accepted it (acceptance is not completion: a change commits later).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "workloads/client_env.h"
#include "workloads/kv_client.h"

namespace simlab {

enum class AdminResult : std::uint8_t { accepted, refused, no_answer };
const char* admin_result_name(AdminResult result);

AdminResult request_add_server(ClientEnv& env, NodeId node, const KvClientOptions& options);
AdminResult request_remove_server(ClientEnv& env, NodeId node, const KvClientOptions& options);
AdminResult request_leader_transfer(ClientEnv& env, NodeId target, const KvClientOptions& options);

// One node's own account of itself, asked of that node alone (no redirects):
// nullopt if it does not answer within `timeout_ns` (down, paused, slow).
std::optional<kv::Response> request_status(ClientEnv& env, NodeId node, std::int64_t timeout_ns);

struct MembershipNemesisOptions {
  KvClientOptions client;
  std::int64_t interval_ns = 500 * kNanosecondsPerMillisecond;
  std::uint64_t transfer_percent = 40;  // the rest are remove/re-add cycles
  std::size_t voters_min = 3;           // never remove below this many members
};

// Until env.stopping(): every interval, either asks for a leader transfer to a
// random node or removes a random member (if more than voters_min remain),
// re-adding removed members on a later turn. Before returning it re-adds
// every member it removed, so the liveness phase sees the full cluster.
void run_membership_nemesis(ClientEnv& env, const MembershipNemesisOptions& options);

}  // namespace simlab

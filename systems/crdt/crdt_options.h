// The CRDT store's tunables: the "crdt" group of a scenario's
// system_options.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "systems/common/types.h"

namespace simlab::crdt {

struct CrdtOptions {
  // The last this-many nodes of the cluster are offline replicas (a mobile
  // client's local replica, on its own device): they take their clients'
  // writes on their own, replicate with no other replica but their home
  // server by the sync protocol, and may be cut off for a long time.
  std::uint32_t offline_replicas = 0;
};

// Parses {"crdt": {...}}: unknown groups and keys are errors naming the
// field. Returns an error message, or empty on success.
std::string parse_crdt_options(std::string_view json_text, CrdtOptions& options);

// Which nodes of a cluster of `nodes` (ids 1..nodes) serve and which are
// offline replicas, and the server an offline replica syncs with.
struct CrdtRoles {
  std::vector<NodeId> servers;
  std::vector<NodeId> offline;
  bool is_offline(NodeId node) const;
  NodeId home_of(NodeId offline_node) const;
};
CrdtRoles crdt_roles(const CrdtOptions& options, std::uint32_t nodes);

}  // namespace simlab::crdt

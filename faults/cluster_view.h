// What the nemesis knows of the cluster's roles when it aims a fault: each
// node's own answer to a status question asked through the system's client
// protocol (Jepsen's nemeses ask the database the same way, e.g. etcd's
// status endpoint), and the node that last answered a client. Nothing here
// reads a node's memory, so the same targeting works on real nodes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "systems/common/types.h"

namespace simlab::faults {

struct NodeStatus {
  NodeId node = kNoNode;
  bool answered = false;
  bool leader = false;  // it believes it leads
  std::uint64_t term = 0;
  std::uint64_t last_index = 0;
};

struct ClusterView {
  std::vector<NodeStatus> nodes;
  NodeId client_node = kNoNode;  // the node that most recently answered a client

  // The node claiming leadership in the highest term, if any answered so.
  std::optional<NodeId> leader() const;
  // The answering node with the longest log (lowest id on a tie).
  std::optional<NodeId> longest_log() const;
};

// Asks every node for its status; runs inside the nemesis's fiber and may
// block there. Empty (no function) for a system without a status request.
using ClusterProbe = std::function<std::vector<NodeStatus>()>;

}  // namespace simlab::faults

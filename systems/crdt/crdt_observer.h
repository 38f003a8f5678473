// The CRDT store's white-box judge, after every step: a replica's version
// vectors never move back, across restarts too. Each counter's entry per
// actor and each set's causal context only grow, since a replica applies
// nothing its disk does not already hold and recovery joins all of it back.
// A replica whose state_version and actor are unchanged since the last step
// is not compared again (its state changes only inside its steps).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "systems/common/node.h"
#include "systems/crdt/crdt_types.h"

namespace simlab::crdt {

class CrdtObserver final : public ClusterObserver {
 public:
  std::optional<Violation> check(std::span<const Node* const> nodes) override;

 private:
  struct Seen {
    std::uint64_t state_version = 0;
    bool up = false;
    std::map<std::string, PnCounter> counters;
    std::map<std::string, CausalContext> contexts;
  };
  std::optional<Violation> check_node(NodeId node, const class CrdtNode& replica, Seen& seen);
  std::vector<Seen> seen_;  // by node id - kFirstNodeId
};

}  // namespace simlab::crdt

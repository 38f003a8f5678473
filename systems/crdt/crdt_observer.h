// The CRDT store's white-box judge, after every step: a replica's version
// vectors never move back while it writes as the same actor, across
// restarts too. Each counter's entry per actor and each set's and MV
// register's causal context only grow, since a replica applies nothing its disk does not
// already hold and recovery joins all of it back. A replica that lost its
// disk is a new actor and starts from nothing (with crdt.actor-reuse it
// keeps its actor, and its vectors move back). And no replica has seen a
// dot or a count of an actor beyond what that actor's replica has issued
// (crdt.dots-issued-twice: a replica that restarted below its own dots
// will issue them again, as with crdt.actor-reuse after a lost disk).
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

// check_issued walks every set's context: a sample of each replica's state
// versions (a replica below its dots stays there until it has issued as
// many again, far longer than 16 changes of any replica that saw them).
inline constexpr std::uint64_t kIssuedCheckPeriod = 16;

class CrdtObserver final : public ClusterObserver {
 public:
  std::optional<Violation> check(std::span<const Node* const> nodes) override;

 private:
  struct Seen {
    std::uint64_t state_version = 0;
    ActorId actor = 0;
    bool up = false;
    std::map<std::string, PnCounter> counters;
    std::map<std::string, CausalContext> contexts;     // per set
    std::map<std::string, CausalContext> mv_contexts;  // per MV register
  };
  std::optional<Violation> check_node(NodeId node, const class CrdtNode& replica, Seen& seen);
  std::optional<Violation> check_issued(NodeId node, const class CrdtNode& replica,
                                        std::span<const Node* const> nodes);
  std::vector<Seen> seen_;  // by node id - kFirstNodeId
};

}  // namespace simlab::crdt

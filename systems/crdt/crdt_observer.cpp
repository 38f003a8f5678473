#include "systems/crdt/crdt_observer.h"

#include <fmt/format.h>

#include "systems/crdt/crdt_node.h"

namespace simlab::crdt {

std::optional<Violation> CrdtObserver::check(std::span<const Node* const> nodes) {
  if (seen_.size() < nodes.size()) seen_.resize(nodes.size());
  for (std::size_t slot = 0; slot < nodes.size(); ++slot) {
    Seen& seen = seen_[slot];
    const auto* replica = static_cast<const CrdtNode*>(nodes[slot]);
    if (replica == nullptr || !replica->serving()) {
      seen.up = false;  // a restart is compared with what it had before
      continue;
    }
    if (seen.up && seen.state_version == replica->state_version()) continue;
    if (auto violation = check_node(static_cast<NodeId>(slot) + kFirstNodeId, *replica, seen))
      return violation;
  }
  return std::nullopt;
}

std::optional<Violation> CrdtObserver::check_node(NodeId node, const CrdtNode& replica,
                                                  Seen& seen) {
  const ReplicaState& state = replica.state();
  for (const auto& [key, before] : seen.counters) {
    const auto now = state.counters.find(key);
    if (now == state.counters.end() || !now->second.covers(before)) {
      return Violation{
          "crdt.version-vector-moved-back",
          fmt::format(
              "counter {}'s entries fell below what the replica held before (value {} -> {})", key,
              before.value(), now == state.counters.end() ? 0 : now->second.value()),
          node};
    }
  }
  static const CausalContext kNothingSeen;
  for (const auto& [key, before] : seen.contexts) {
    const auto now = state.sets.find(key);
    // A set the replica no longer holds has seen nothing: fine if it had
    // seen nothing before either.
    if (!(now == state.sets.end() ? kNothingSeen : now->second.context()).covers(before)) {
      return Violation{"crdt.version-vector-moved-back",
                       fmt::format("set {}'s causal context lost dots the replica had seen", key),
                       node};
    }
  }
  seen.up = true;
  seen.state_version = replica.state_version();
  seen.counters = state.counters;
  seen.contexts.clear();
  for (const auto& [key, set] : state.sets) seen.contexts.emplace(key, set.context());
  return std::nullopt;
}

}  // namespace simlab::crdt

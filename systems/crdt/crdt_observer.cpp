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
    // A new actor is a new replica (its disk was lost): its state starts
    // again from nothing. One that keeps its actor keeps its dots.
    if (seen.actor != replica->actor()) seen = Seen{};
    seen.actor = replica->actor();
    if (seen.up && seen.state_version == replica->state_version()) continue;
    const auto node = static_cast<NodeId>(slot) + kFirstNodeId;
    if (auto violation = check_node(node, *replica, seen)) return violation;
    if (replica->state_version() % kIssuedCheckPeriod != 0) continue;
    if (auto violation = check_issued(node, *replica, nodes)) return violation;
  }
  return std::nullopt;
}

namespace {

// The replica whose actor this is, when it runs as that actor and knows
// what it issued (an actor id carries its node's id in its top bits).
const CrdtNode* issuer_of(ActorId actor, std::span<const Node* const> nodes) {
  const std::uint64_t slot = (actor >> 40) - kFirstNodeId;
  if (slot >= nodes.size() || nodes[slot] == nullptr) return nullptr;
  const auto* issuer = static_cast<const CrdtNode*>(nodes[slot]);
  const bool knows = issuer->serving() || issuer->rebuilding();
  return knows && issuer->actor() == actor ? issuer : nullptr;
}

Violation issued_twice(NodeId node, ActorId actor, const std::string& what) {
  return Violation{"crdt.dots-issued-twice",
                   fmt::format("n{} has seen {} of actor {:x}, which n{} has not issued yet: it "
                               "will issue them again, under what n{} holds",
                               node, what, actor, actor >> 40, node),
                   node};
}

std::optional<Violation> check_dot(NodeId node, const std::string& key, const Dot& dot,
                                   std::span<const Node* const> nodes) {
  const CrdtNode* issuer = issuer_of(dot.actor, nodes);
  if (issuer == nullptr || dot.counter <= issuer->issued_dot(key)) return std::nullopt;
  return issued_twice(
      node, dot.actor,
      fmt::format("dot {} on set {} (issued: {})", dot.counter, key, issuer->issued_dot(key)));
}

}  // namespace

// Nobody has seen a dot (or a count) its actor has not issued: an actor
// issues each dot once, in order, and recovers what it issued from the disk
// that held it before it was shipped.
std::optional<Violation> CrdtObserver::check_issued(NodeId node, const CrdtNode& replica,
                                                    std::span<const Node* const> nodes) {
  const ReplicaState& state = replica.state();
  for (const auto& [key, set] : state.sets) {
    for (const auto& [actor, counter] : set.context().compact())
      if (auto violation = check_dot(node, key, Dot{actor, counter}, nodes)) return violation;
    for (const Dot& dot : set.context().cloud())
      if (auto violation = check_dot(node, key, dot, nodes)) return violation;
  }
  for (const auto& [key, counter] : state.counters) {
    for (const auto& [actor, entry] : counter.entries()) {
      const CrdtNode* issuer = issuer_of(actor, nodes);
      if (issuer == nullptr) continue;
      const PnCounter::Entry issued = issuer->issued_counter(key);
      if (entry.increments <= issued.increments && entry.decrements <= issued.decrements) continue;
      return issued_twice(
          node, actor,
          fmt::format("counts +{} -{} on counter {} (issued: +{} -{})", entry.increments,
                      entry.decrements, key, issued.increments, issued.decrements));
    }
  }
  return std::nullopt;
}

namespace {

Violation counter_moved_back(NodeId node, const std::string& key, const PnCounter& before,
                             const PnCounter* now) {
  return Violation{
      "crdt.version-vector-moved-back",
      fmt::format("counter {}'s entries fell below what the replica held before (value {} -> {})",
                  key, before.value(), now == nullptr ? 0 : now->value()),
      node};
}

Violation context_moved_back(NodeId node, const std::string& key) {
  return Violation{"crdt.version-vector-moved-back",
                   fmt::format("set {}'s causal context lost dots the replica had seen", key),
                   node};
}

template <typename Value>
const Value* find_in(const std::map<std::string, Value>& values, const std::string& key) {
  const auto found = values.find(key);
  return found == values.end() ? nullptr : &found->second;
}

}  // namespace

// After a restart (or the first look) every key the replica held before is
// compared; while it stays up, only the keys a join changed since the
// last look (a replica's state changes only by joins, which the
// crdt.state-is-join-of-deltas invariant holds it to).
std::optional<Violation> CrdtObserver::check_node(NodeId node, const CrdtNode& replica,
                                                  Seen& seen) {
  const ReplicaState& state = replica.state();
  static const CausalContext kNothingSeen;
  const auto check_counter = [&](const std::string& key) -> std::optional<Violation> {
    const PnCounter* now = find_in(state.counters, key);
    auto before = seen.counters.find(key);
    if (before != seen.counters.end() && (now == nullptr || !now->covers(before->second)))
      return counter_moved_back(node, key, before->second, now);
    if (now != nullptr) seen.counters.insert_or_assign(key, *now);
    return std::nullopt;
  };
  const auto check_set = [&](const std::string& key) -> std::optional<Violation> {
    const AddWinsSet* now = find_in(state.sets, key);
    // A set the replica no longer holds has seen nothing: fine if it had
    // seen nothing before either.
    const CausalContext& context = now == nullptr ? kNothingSeen : now->context();
    auto before = seen.contexts.find(key);
    if (before != seen.contexts.end() && !context.covers(before->second))
      return context_moved_back(node, key);
    if (now != nullptr) seen.contexts.insert_or_assign(key, context);
    return std::nullopt;
  };
  const bool whole = !seen.up;
  for (const auto& [key, at] : replica.counters_changed_at())
    if (whole || at > seen.state_version)
      if (auto violation = check_counter(key)) return violation;
  for (const auto& [key, at] : replica.sets_changed_at())
    if (whole || at > seen.state_version)
      if (auto violation = check_set(key)) return violation;
  if (whole) {  // what it held before and no join of this boot touched
    for (const auto& [key, before] : seen.counters)
      if (!replica.counters_changed_at().contains(key))
        if (auto violation = check_counter(key)) return violation;
    for (const auto& [key, before] : seen.contexts)
      if (!replica.sets_changed_at().contains(key))
        if (auto violation = check_set(key)) return violation;
  }
  seen.up = true;
  seen.state_version = replica.state_version();
  return std::nullopt;
}

}  // namespace simlab::crdt

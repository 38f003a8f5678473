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

// `mv`: the dot is an MV register's, else a set's.
std::optional<Violation> check_dot(NodeId node, const std::string& key, const Dot& dot, bool mv,
                                   std::span<const Node* const> nodes) {
  const CrdtNode* issuer = issuer_of(dot.actor, nodes);
  if (issuer == nullptr) return std::nullopt;
  const std::uint64_t issued = mv ? issuer->issued_mv_dot(key) : issuer->issued_dot(key);
  if (dot.counter <= issued) return std::nullopt;
  return issued_twice(node, dot.actor,
                      fmt::format("dot {} on {} {} (issued: {})", dot.counter,
                                  mv ? "mv-register" : "set", key, issued));
}

std::optional<Violation> check_context(NodeId node, const std::string& key,
                                       const CausalContext& context, bool mv,
                                       std::span<const Node* const> nodes) {
  for (const auto& [actor, counter] : context.compact())
    if (auto violation = check_dot(node, key, Dot{actor, counter}, mv, nodes)) return violation;
  for (const Dot& dot : context.cloud())
    if (auto violation = check_dot(node, key, dot, mv, nodes)) return violation;
  return std::nullopt;
}

}  // namespace

// Nobody has seen a dot (or a count) its actor has not issued: an actor
// issues each dot once, in order, and recovers what it issued from the disk
// that held it before it was shipped.
std::optional<Violation> CrdtObserver::check_issued(NodeId node, const CrdtNode& replica,
                                                    std::span<const Node* const> nodes) {
  const ReplicaState& state = replica.state();
  for (const auto& [key, set] : state.sets)
    if (auto violation = check_context(node, key, set.context(), false, nodes)) return violation;
  for (const auto& [key, value] : state.mv_registers)
    if (auto violation = check_context(node, key, value.context(), true, nodes)) return violation;
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

Violation context_moved_back(NodeId node, const char* type, const std::string& key) {
  return Violation{"crdt.version-vector-moved-back",
                   fmt::format("{} {}'s causal context lost dots the replica had seen", type, key),
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
  // A set or MV register the replica no longer holds has seen nothing:
  // fine if it had seen nothing before either.
  const auto check_context = [&](const auto& values, std::map<std::string, CausalContext>& contexts,
                                 const char* type,
                                 const std::string& key) -> std::optional<Violation> {
    const auto* now = find_in(values, key);
    const CausalContext& context = now == nullptr ? kNothingSeen : now->context();
    auto before = contexts.find(key);
    if (before != contexts.end() && !context.covers(before->second))
      return context_moved_back(node, type, key);
    if (now != nullptr) contexts.insert_or_assign(key, context);
    return std::nullopt;
  };
  const auto check_set = [&](const std::string& key) {
    return check_context(state.sets, seen.contexts, "set", key);
  };
  const auto check_mv = [&](const std::string& key) {
    return check_context(state.mv_registers, seen.mv_contexts, "mv-register", key);
  };
  const bool whole = !seen.up;
  for (const auto& [key, at] : replica.counters_changed_at())
    if (whole || at > seen.state_version)
      if (auto violation = check_counter(key)) return violation;
  for (const auto& [key, at] : replica.sets_changed_at())
    if (whole || at > seen.state_version)
      if (auto violation = check_set(key)) return violation;
  for (const auto& [key, at] : replica.mv_changed_at())
    if (whole || at > seen.state_version)
      if (auto violation = check_mv(key)) return violation;
  if (whole) {  // what it held before and no join of this boot touched
    for (const auto& [key, before] : seen.counters)
      if (!replica.counters_changed_at().contains(key))
        if (auto violation = check_counter(key)) return violation;
    for (const auto& [key, before] : seen.contexts)
      if (!replica.sets_changed_at().contains(key))
        if (auto violation = check_set(key)) return violation;
    for (const auto& [key, before] : seen.mv_contexts)
      if (!replica.mv_changed_at().contains(key))
        if (auto violation = check_mv(key)) return violation;
  }
  seen.up = true;
  seen.state_version = replica.state_version();
  return std::nullopt;
}

}  // namespace simlab::crdt

#include "checkers/txn/cycle_search.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <limits>
#include <optional>

#include "checkers/txn/strongly_connected.h"

namespace simlab::txn {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

enum class CycleClass : std::uint8_t { g0, g1c, g_single, g_nonadjacent, g2_item };
constexpr std::array kClasses = {CycleClass::g0, CycleClass::g1c, CycleClass::g_single,
                                 CycleClass::g_nonadjacent, CycleClass::g2_item};

const char* class_name(CycleClass cycle_class) {
  switch (cycle_class) {
    case CycleClass::g0:
      return "G0";
    case CycleClass::g1c:
      return "G1c";
    case CycleClass::g_single:
      return "G-single";
    case CycleClass::g_nonadjacent:
      return "G-nonadjacent";
    case CycleClass::g2_item:
      return "G2-item";
  }
  return "?";
}

// Automaton state bits. kLastRw: the last edge was rw. kFlag: G-nonadjacent,
// a second rw was seen; G2-item, two adjacent rw were seen. kOrder: a process
// or real-time edge was used.
constexpr std::uint8_t kLastRw = 1, kFlag = 2, kOrder = 4, kStates = 8;

// Every cycle of a class contains an edge of this kind; searches start there.
EdgeKind start_kind(CycleClass c) {
  return c == CycleClass::g0 ? kWw : c == CycleClass::g1c ? kWr : kRw;
}

std::uint8_t start_state(CycleClass c) { return start_kind(c) == kRw ? kLastRw : 0; }

// The state after following an edge of `kind`, or nullopt if the class
// forbids it there.
std::optional<std::uint8_t> step(CycleClass c, std::uint8_t state, EdgeKind kind,
                                 std::uint8_t order_kinds) {
  const auto cleared = static_cast<std::uint8_t>(state & ~kLastRw);
  if (kind & kOrderKinds) {
    if ((kind & order_kinds) == 0) return std::nullopt;
    return static_cast<std::uint8_t>(cleared | kOrder);
  }
  if (kind == kWw) return cleared;
  if (kind == kWr) return c == CycleClass::g0 ? std::nullopt : std::optional(cleared);
  // kRw
  if (c == CycleClass::g_nonadjacent) {
    if (state & kLastRw) return std::nullopt;
    return static_cast<std::uint8_t>(state | kLastRw | kFlag);
  }
  if (c == CycleClass::g2_item) {
    const std::uint8_t adjacent = (state & kLastRw) ? kFlag : 0;
    return static_cast<std::uint8_t>(state | kLastRw | adjacent);
  }
  return std::nullopt;  // G0, G1c and G-single have no rw beyond the start edge
}

// Whether a walk ending in `state` at the start node closes a cycle of the
// class; the closing edge is followed by the (rw, for rw classes) start edge.
bool accepts(CycleClass c, std::uint8_t state, bool with_order) {
  if (with_order != ((state & kOrder) != 0)) return false;
  if (c == CycleClass::g_nonadjacent) return (state & kFlag) && !(state & kLastRw);
  if (c == CycleClass::g2_item) return (state & kFlag) || (state & kLastRw);
  return true;
}

// Breadth-first searches over (transaction, automaton state) within one
// component, reusing its arrays across starts.
class ComponentSearch {
 public:
  ComponentSearch(const DependencyGraph& graph, const std::vector<std::uint32_t>& members,
                  std::vector<std::uint32_t>& local, const CycleSearchOptions& options)
      : graph_(graph),
        members_(members),
        local_(local),
        options_(options),
        stamp_(members.size() * kStates, 0),
        parent_(members.size() * kStates),
        parent_slot_(members.size() * kStates) {
    for (std::uint32_t i = 0; i < members.size(); ++i) local_[members[i]] = i;
  }
  ~ComponentSearch() {
    for (auto member : members_) local_[member] = kNone;
  }

  // The shortest cycle of the class, with (with_order) or without order edges.
  std::optional<Anomaly> shortest(CycleClass c, bool with_order) {
    best_ = std::nullopt;
    visits_ = 0;
    for (const std::uint32_t from : members_) {
      for (std::uint32_t slot = graph_.begin(from); slot < graph_.end(from); ++slot) {
        if (graph_.kind(slot) != start_kind(c) || local_[graph_.target(slot)] == kNone) continue;
        if (best_ && best_->txns.size() == 2) return best_;  // no cycle is shorter
        if (visits_ > options_.visit_budget) {
          truncated_ = true;
          return best_;
        }
        search_from(c, with_order, from, slot);
      }
    }
    return best_;
  }

  bool truncated() const { return truncated_; }

 private:
  std::uint32_t id(std::uint32_t node, std::uint8_t state) const {
    return local_[node] * kStates + state;
  }

  void search_from(CycleClass c, bool with_order, std::uint32_t start, std::uint32_t slot) {
    const std::uint8_t order = with_order ? options_.order_kinds : 0;
    ++current_;
    frontier_.clear();
    const std::uint32_t first = id(graph_.target(slot), start_state(c));
    stamp_[first] = current_;
    parent_[first] = kNone;
    frontier_.push_back(first);
    const std::size_t limit = best_ ? best_->txns.size() : std::numeric_limits<std::size_t>::max();
    // Level by level: a cycle closed at depth d has d + 1 edges.
    for (std::size_t depth = 1; !frontier_.empty() && depth + 1 < limit; ++depth) {
      next_.clear();
      for (const std::uint32_t at : frontier_) {
        const std::uint32_t node = members_[at / kStates];
        const auto state = static_cast<std::uint8_t>(at % kStates);
        for (std::uint32_t s = graph_.begin(node); s < graph_.end(node); ++s) {
          ++visits_;
          const std::uint32_t target = graph_.target(s);
          if (local_[target] == kNone) continue;
          const auto after = step(c, state, graph_.kind(s), order);
          if (!after) continue;
          if (target == start) {
            if (accepts(c, *after, with_order) && record(start, slot, at, s)) return;
            continue;
          }
          const std::uint32_t next = id(target, *after);
          if (stamp_[next] == current_) continue;
          stamp_[next] = current_;
          parent_[next] = at;
          parent_slot_[next] = s;
          next_.push_back(next);
        }
      }
      std::swap(frontier_, next_);
    }
  }

  // Rebuilds the walk; keeps it only if it visits each transaction once.
  bool record(std::uint32_t start, std::uint32_t start_slot, std::uint32_t last,
              std::uint32_t closing_slot) {
    Anomaly cycle;
    std::vector<std::uint32_t> slots{closing_slot};
    for (std::uint32_t at = last; at != kNone; at = parent_[at]) {
      cycle.txns.push_back(members_[at / kStates]);
      if (parent_[at] != kNone) slots.push_back(parent_slot_[at]);
    }
    slots.push_back(start_slot);
    cycle.txns.push_back(start);
    std::reverse(cycle.txns.begin(), cycle.txns.end());
    std::reverse(slots.begin(), slots.end());
    cycle.slots = std::move(slots);
    auto sorted = cycle.txns;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return false;
    assert(cycle.slots.size() == cycle.txns.size());
    best_ = std::move(cycle);
    return true;
  }

  const DependencyGraph& graph_;
  const std::vector<std::uint32_t>& members_;
  std::vector<std::uint32_t>& local_;
  const CycleSearchOptions& options_;
  std::vector<std::uint32_t> stamp_, parent_, parent_slot_;
  std::vector<std::uint32_t> frontier_, next_;
  std::uint32_t current_ = 0;
  std::uint64_t visits_ = 0;
  bool truncated_ = false;
  std::optional<Anomaly> best_;
};

std::string variant_name(const DependencyGraph& graph, CycleClass c, const Anomaly& cycle) {
  bool realtime = false, process = false;
  for (const auto slot : cycle.slots) {
    realtime |= graph.kind(slot) == kRealtime;
    process |= graph.kind(slot) == kProcess;
  }
  std::string name = class_name(c);
  if (realtime) return name + "-realtime";
  if (process) return name + "-process";
  return name;
}

}  // namespace

CycleSearchResult find_cycle_anomalies(const DependencyGraph& graph,
                                       const CycleSearchOptions& options) {
  CycleSearchResult result;
  const auto mask = static_cast<std::uint8_t>(kDependencyKinds | options.order_kinds);
  const Components components = strongly_connected(graph, mask);
  result.components = components.nontrivial.size();
  std::vector<std::uint32_t> local(graph.node_count(), kNone);
  for (const auto& members : components.nontrivial) {
    ComponentSearch search(graph, members, local, options);
    for (const CycleClass c : kClasses) {
      auto cycle = search.shortest(c, false);
      // A variant is reported only where the class has no cycle without order edges.
      if (!cycle && options.order_kinds != 0) cycle = search.shortest(c, true);
      if (!cycle) continue;
      cycle->type = variant_name(graph, c, *cycle);
      result.cycles.push_back(std::move(*cycle));
    }
    result.truncated |= search.truncated();
  }
  return result;
}

}  // namespace simlab::txn

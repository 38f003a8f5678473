#include "checkers/txn/polygraph.h"

#include <algorithm>
#include <cassert>
#include <optional>

namespace simlab::txn {
namespace {

template <typename Visit>
void for_each_bit(const std::vector<std::uint64_t>& words, Visit visit) {
  for (std::size_t w = 0; w < words.size(); ++w) {
    for (std::uint64_t bits = words[w]; bits != 0; bits &= bits - 1) {
      visit(static_cast<std::uint32_t>(w * 64 + static_cast<unsigned>(__builtin_ctzll(bits))));
    }
  }
}

struct Adjacency {
  Adjacency(std::uint32_t nodes, const std::vector<PolygraphEdge>& edges)
      : offsets(nodes + 1, 0), targets(edges.size()) {
    for (const auto& e : edges) ++offsets[e.from + 1];
    for (std::uint32_t u = 0; u < nodes; ++u) offsets[u + 1] += offsets[u];
    std::vector<std::uint32_t> cursor(offsets.begin(), offsets.end() - 1);
    for (const auto& e : edges) targets[cursor[e.from]++] = e.to;
  }

  // Kahn's algorithm; shorter than the node count when there is a cycle.
  std::vector<std::uint32_t> topological_order() const {
    const auto nodes = static_cast<std::uint32_t>(offsets.size() - 1);
    std::vector<std::uint32_t> degree(nodes, 0), order;
    for (const auto target : targets) ++degree[target];
    for (std::uint32_t u = 0; u < nodes; ++u) {
      if (degree[u] == 0) order.push_back(u);
    }
    for (std::size_t i = 0; i < order.size(); ++i) {
      for (auto s = offsets[order[i]]; s < offsets[order[i] + 1]; ++s) {
        if (--degree[targets[s]] == 0) order.push_back(targets[s]);
      }
    }
    return order;
  }

  std::vector<std::uint32_t> offsets, targets;
};

// reach[u] has bit v set iff a non-empty path u -> v exists.
class Reachability {
 public:
  explicit Reachability(std::uint32_t nodes) : nodes_(nodes), words_((nodes + 63) / 64) {}

  // Recomputes from `edges`; false when they have a cycle.
  bool compute(const std::vector<PolygraphEdge>& edges) {
    const Adjacency adjacency(nodes_, edges);
    const std::vector<std::uint32_t> order = adjacency.topological_order();
    if (order.size() != nodes_) return false;
    const auto& offsets = adjacency.offsets;
    const auto& targets = adjacency.targets;
    bits_.assign(std::size_t{nodes_} * words_, 0);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      std::uint64_t* row = &bits_[std::size_t{*it} * words_];
      for (auto s = offsets[*it]; s < offsets[*it + 1]; ++s) {
        const std::uint32_t v = targets[s];
        row[v / 64] |= std::uint64_t{1} << (v % 64);
        const std::uint64_t* other = &bits_[std::size_t{v} * words_];
        for (std::size_t w = 0; w < words_; ++w) row[w] |= other[w];
      }
    }
    return true;
  }

  bool reaches(std::uint32_t from, std::uint32_t to) const {
    return (bits_[std::size_t{from} * words_ + to / 64] >> (to % 64)) & 1;
  }

  // The edges a -> b among `members` with b reachable from a but through
  // no other member: their closure is reachability among the members.
  // Empty when the deadline passes first.
  std::optional<std::vector<PolygraphEdge>> reduction_among(
      const std::vector<std::uint32_t>& members,
      std::chrono::steady_clock::time_point deadline) const {
    std::vector<std::uint64_t> mask(words_, 0), reached(words_), covered(words_);
    for (const auto m : members) mask[m / 64] |= std::uint64_t{1} << (m % 64);
    std::vector<PolygraphEdge> edges;
    for (const auto a : members) {
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      const std::uint64_t* row = &bits_[std::size_t{a} * words_];
      for (std::size_t w = 0; w < words_; ++w) reached[w] = row[w] & mask[w];
      std::fill(covered.begin(), covered.end(), 0);
      for_each_bit(reached, [&](std::uint32_t c) {
        const std::uint64_t* through = &bits_[std::size_t{c} * words_];
        for (std::size_t w = 0; w < words_; ++w) covered[w] |= through[w];
      });
      for (std::size_t w = 0; w < words_; ++w) reached[w] &= ~covered[w];
      for_each_bit(reached, [&](std::uint32_t b) { edges.push_back({a, b}); });
    }
    return edges;
  }

 private:
  std::uint32_t nodes_;
  std::size_t words_;
  std::vector<std::uint64_t> bits_;
};

// Whether an edge is already implied, impossible, or open given reachability.
enum class EdgeState { implied, impossible, open };

EdgeState state_of(const Reachability& reach, PolygraphEdge edge) {
  if (edge.from == edge.to) return EdgeState::impossible;
  if (reach.reaches(edge.from, edge.to)) return EdgeState::implied;
  if (reach.reaches(edge.to, edge.from)) return EdgeState::impossible;
  return EdgeState::open;
}

void compact(const Polygraph& graph, const Reachability& reach,
             std::chrono::steady_clock::time_point deadline, PruneResult& result) {
  std::vector<std::uint32_t> local(graph.node_count, ~std::uint32_t{0});
  auto& members = result.compact_nodes;
  for (const auto& choice : graph.choices) {
    for (const auto node :
         {choice.first.from, choice.first.to, choice.second.from, choice.second.to}) {
      if (local[node] != ~std::uint32_t{0}) continue;
      local[node] = static_cast<std::uint32_t>(members.size());
      members.push_back(node);
    }
  }
  result.compact.node_count = static_cast<std::uint32_t>(members.size());
  const auto reduction = reach.reduction_among(members, deadline);
  if (!reduction) {
    result.timed_out = true;
    return;
  }
  for (const auto& e : *reduction) {
    result.compact.known.push_back({local[e.from], local[e.to]});
  }
  for (const auto& c : graph.choices) {
    result.compact.choices.push_back(
        {{local[c.first.from], local[c.first.to]}, {local[c.second.from], local[c.second.to]}});
  }
}

}  // namespace

PruneResult prune_polygraph(Polygraph graph, std::chrono::steady_clock::time_point deadline,
                            std::uint32_t max_nodes) {
  PruneResult result;
  if (graph.node_count > max_nodes) {
    result.compact = graph;
    for (std::uint32_t node = 0; node < graph.node_count; ++node)
      result.compact_nodes.push_back(node);
    result.remaining = std::move(graph);
    return result;
  }
  Reachability reach(graph.node_count);
  for (bool changed = true; changed;) {
    if (std::chrono::steady_clock::now() > deadline) {
      result.timed_out = true;
      return result;
    }
    if (!reach.compute(graph.known)) {
      result.cyclic = true;
      break;
    }
    changed = false;
    std::vector<PolygraphChoice> open;
    for (const auto& choice : graph.choices) {
      const EdgeState first = state_of(reach, choice.first),
                      second = state_of(reach, choice.second);
      if (first == EdgeState::implied || second == EdgeState::implied) continue;  // satisfied
      if (first == EdgeState::impossible || second == EdgeState::impossible) {
        // Both impossible: keep one; the next reachability pass finds the cycle.
        graph.known.push_back(first == EdgeState::impossible ? choice.second : choice.first);
        changed = true;
        continue;
      }
      open.push_back(choice);
    }
    graph.choices = std::move(open);
  }
  if (!result.cyclic) compact(graph, reach, deadline, result);
  result.remaining = std::move(graph);
  return result;
}

std::vector<std::uint32_t> topological_order(std::uint32_t node_count,
                                             const std::vector<PolygraphEdge>& edges) {
  auto order = Adjacency(node_count, edges).topological_order();
  if (order.size() != node_count) order.clear();
  return order;
}

}  // namespace simlab::txn

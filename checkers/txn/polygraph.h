// A polygraph (Papadimitriou, "The serializability of concurrent database
// updates", JACM 1979): known edges, plus choices "edge A or edge B" from
// version orders nobody observed. The history is serializable iff some
// choice of one edge per pair leaves the graph acyclic. Cobra (Tan et al.,
// OSDI 2020, section 3.3) prunes it before calling a solver: a choice whose
// one edge would close a cycle through known edges must take the other.
// Pruning to a fixpoint, with reachability as bitsets, decides most choices
// of real histories and leaves the solver a much smaller problem.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace simlab::txn {

struct PolygraphEdge {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
};

struct PolygraphChoice {
  PolygraphEdge first;
  PolygraphEdge second;
};

struct Polygraph {
  std::uint32_t node_count = 0;
  std::vector<PolygraphEdge> known;
  std::vector<PolygraphChoice> choices;
};

struct PruneResult {
  bool timed_out = false;  // the deadline passed first: nothing is decided
  bool cyclic = false;     // the known edges (with forced choices) have a cycle: not serializable
  Polygraph remaining;     // known edges with forced ones added, and the undecided choices
  // The same problem over only the nodes the open choices touch: known
  // edges become the transitive reduction of reachability among them, so a
  // solver sees hundreds of variables instead of every transaction.
  // compact_nodes[i] is the node of `remaining` that compact node i stands for.
  Polygraph compact;
  std::vector<std::uint32_t> compact_nodes;
};

// A topological order of `graph.known` plus the chosen edges, or an empty
// vector if they have a cycle.
std::vector<std::uint32_t> topological_order(std::uint32_t node_count,
                                             const std::vector<PolygraphEdge>& edges);

// Gives up pruning (returns the input unchanged) above `max_nodes`, where
// the reachability bitsets would grow too large.
PruneResult prune_polygraph(Polygraph graph, std::chrono::steady_clock::time_point deadline,
                            std::uint32_t max_nodes = 40'000);

}  // namespace simlab::txn

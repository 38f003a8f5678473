// Cycles of a directed graph that pass through a labelled edge: the causal
// checker's CyclicCF, where the graph is causal order (unlabelled edges)
// and the conflict edges a read implies (labelled with the read). Strongly
// connected components by Tarjan's algorithm (iterative: histories have
// millions of events), then, per component holding a labelled edge, one
// shortest cycle through its first such edge (breadth first inside it).
#pragma once

#include <cstddef>
#include <vector>

namespace simlab::causal {

inline constexpr std::size_t kNoLabel = static_cast<std::size_t>(-1);

struct LabelledEdge {
  std::size_t from = 0, to = 0;
  std::size_t label = kNoLabel;
};

// `edges` over nodes 0..node_count-1. Each cycle is its edges in order,
// the labelled one first; at most `cycles_max` cycles, one per component.
std::vector<std::vector<LabelledEdge>> cycles_through_labels(std::size_t node_count,
                                                             const std::vector<LabelledEdge>& edges,
                                                             std::size_t cycles_max);

}  // namespace simlab::causal

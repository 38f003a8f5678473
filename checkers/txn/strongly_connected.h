// Strongly connected components (Tarjan, "Depth-first search and linear graph
// algorithms", SIAM J. Comput. 1972), iterative so a million-node chain does
// not overflow the stack. Every cycle lies within one component, so the cycle
// search only ever looks inside components of two or more transactions.
#pragma once

#include <cstdint>
#include <vector>

#include "checkers/txn/dependency_graph.h"

namespace simlab::txn {

struct Components {
  std::vector<std::uint32_t> component_of;             // node -> component id
  std::vector<std::vector<std::uint32_t>> nontrivial;  // members of components with >= 2 nodes
};

// Components of the subgraph whose edges have a kind in `kind_mask`.
Components strongly_connected(const DependencyGraph& graph, std::uint8_t kind_mask);

}  // namespace simlab::txn

// Finds, inside each strongly connected component, the shortest cycle of
// each anomaly class, as Elle does (Kingsbury & Alvaro, VLDB 2020, section
// 4.3): G0 (ww only), G1c (ww and wr, at least one wr), G-single (exactly one
// rw), G-nonadjacent (several rw, no two adjacent), G2-item (several rw, some
// adjacent), and with process / real-time edges the -process / -realtime
// variants. The search is a breadth-first search over (transaction, state)
// pairs, where the state is a small automaton over the edge kinds seen, so
// every class is found by the same linear-per-start search.
#pragma once

#include <cstdint>
#include <vector>

#include "checkers/txn/anomaly.h"
#include "checkers/txn/dependency_graph.h"

namespace simlab::txn {

struct CycleSearchOptions {
  std::uint8_t order_kinds = 0;  // kProcess / kRealtime edges to consider
  // Edge visits allowed per component and class, so a pathological component
  // cannot stall the checker; exceeding it sets `truncated`.
  std::uint64_t visit_budget = 20'000'000;
};

struct CycleSearchResult {
  std::vector<Anomaly> cycles;
  std::uint64_t components = 0;  // components with >= 2 transactions
  bool truncated = false;        // some search hit the budget: a shorter or
                                 // other-class cycle may exist
};

CycleSearchResult find_cycle_anomalies(const DependencyGraph& graph,
                                       const CycleSearchOptions& options);

}  // namespace simlab::txn

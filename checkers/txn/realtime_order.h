// Process and real-time order edges between transactions that may have
// committed. Real-time order (A completed before B was invoked) has up to
// n^2 pairs; like Elle (Kingsbury & Alvaro, VLDB 2020, section 4.2) we emit
// only edges from the transactions that were "maximal" (completed, and not
// followed by another completed one) when B was invoked. Their transitive
// closure is the full real-time order, and there are at most n times the
// concurrency of them.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "checkers/txn/dependency_graph.h"
#include "checkers/txn/txn_history.h"

namespace simlab::txn {

// Which transactions are graph nodes: committed ones and unknown ones (whose
// writes may be visible); aborted ones never are.
bool may_have_committed(const Txn& txn);

// One edge from each transaction to the next one of the same process.
void add_process_edges(const TxnHistory& history, DependencyGraph& graph);

// A transitively reduced real-time order over `members` (txn ids sorted by
// invocation position), reported through `emit(from, to)`.
void for_each_realtime_edge(const TxnHistory& history, std::span<const std::uint32_t> members,
                            const std::function<void(std::uint32_t, std::uint32_t)>& emit);

void add_realtime_edges(const TxnHistory& history, DependencyGraph& graph);

}  // namespace simlab::txn

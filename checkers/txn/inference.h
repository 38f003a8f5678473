// What can be inferred from a history without search: the non-cycle
// anomalies and the dependency edges of the version orders that the reads
// reveal. One analysis per data model (Kingsbury & Alvaro, "Elle", VLDB
// 2020, sections 4.1-4.2; Adya's thesis, section 4 for G1a and G1b).
#pragma once

#include <vector>

#include "checkers/txn/anomaly.h"
#include "checkers/txn/dependency_graph.h"
#include "checkers/txn/txn_history.h"

namespace simlab::txn {

struct InferenceOptions {
  // rw-register only: version orders also follow the order in which one
  // process (sequential keys) or real time (linearizable keys) saw them.
  bool sequential_keys = false;
  bool linearizable_keys = false;
};

struct Inference {
  std::vector<Anomaly> anomalies;  // non-cycle anomalies
  // rw-register: every key's version order is a total order, so the graph
  // is exact. List-append orders are always total over what was read.
  bool orders_complete = true;
};

// Adds ww, wr and rw edges to `graph` (node per txn, not yet frozen).
Inference infer_list_append(const TxnHistory& history, DependencyGraph& graph);
Inference infer_rw_register(const TxnHistory& history, const InferenceOptions& options,
                            DependencyGraph& graph);

}  // namespace simlab::txn

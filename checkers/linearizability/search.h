// Wing and Gong's linearizability search ("Testing and Verifying Concurrent
// Objects", J. Parallel Distrib. Comput. 1993) with Lowe's memoization
// ("Testing for Linearizability", Concurrency and Computation 2017): walk
// the calls in real-time order, tentatively linearize a call whose model
// step is legal, and backtrack at the first return whose call could not be
// placed. A cache of (set of linearized calls, model state) pairs already
// explored prunes the search, since the rest of the search depends on
// nothing else. Porcupine (github.com/anishathalye/porcupine) popularised
// this form; this is our own implementation of the published algorithm.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/linearizability/budget.h"
#include "checkers/linearizability/partition.h"
#include "checkers/linearizability/verdict.h"

namespace simlab::linearizability {

struct SearchResult {
  Verdict verdict = Verdict::valid;
  std::string reason;  // why the verdict is unknown
  // For invalid: the longest sequence of calls (indices into partition.ops)
  // the search could linearize, the call that could then not be placed
  // before its return, and the model state the prefix leaves.
  std::vector<std::int32_t> longest_prefix;
  std::int32_t blocked_op = -1;
  std::int64_t state_after_prefix = 0;
  std::int64_t steps = 0;
  bool safety_net = false;  // unknown because the wall clock ran out, not the work budget
};

SearchResult search_linearization(Partition& partition, const Budget& budget);

}  // namespace simlab::linearizability

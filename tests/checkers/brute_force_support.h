// A reference linearizability check by exhaustive search, for small
// histories: it tries every order of the ops that respects real time,
// letting ops with unknown outcomes either take effect or be left out. It
// shares nothing with the checker but the models' step functions: no
// partitioning, no caching, no pruning, no fast path.
#pragma once

#include "checkers/history/op.h"
#include "checkers/linearizability/model.h"

namespace simlab::linearizability::testing {

// REQUIRES: at most 63 ops that did not fail.
bool brute_force_linearizable(const history::History& history, const ModelFactory& factory);

}  // namespace simlab::linearizability::testing

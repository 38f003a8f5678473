// The run judge for the eventual-consistency models (set-full, g-counter,
// pn-counter): the history's finding is the first anomaly, its time when
// the read that shows it completed, and the explanation the list of
// anomalies with their ops (checkers/history/anomaly_list.h), which the run
// page lists and the causal story anchors on. Under every one of them (and
// alone, for the convergence model) final reads of a key that differ are a
// liveness failure, "diverged", naming the key and the replicas.
#pragma once

#include "harness/run/run_outcome.h"

namespace simlab {

// REQUIRES: history::is_eventual_consistency_model(outcome.scenario.checker).
void judge_eventual_history(RunOutcome& outcome);

}  // namespace simlab

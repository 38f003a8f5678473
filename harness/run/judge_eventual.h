// The run judge for the eventual-consistency models (set-full, g-counter,
// pn-counter): the history's finding is the first anomaly, its time when
// the read that shows it completed. No explanation is recorded for the run
// page yet: the page and the causal story read only linearizability's and
// the queue's, so the finding's detail line is what a person sees.
#pragma once

#include <string_view>

#include "harness/run/run_outcome.h"

namespace simlab {

bool is_eventual_run_model(std::string_view model);

// REQUIRES: is_eventual_run_model(outcome.scenario.checker).
void judge_eventual_history(RunOutcome& outcome);

}  // namespace simlab

// Step three of a run: the history's checker judges the history, whatever
// the white-box judges said, and the verdicts are combined.
#pragma once

#include "harness/run/run_outcome.h"

namespace simlab {

void judge_outcome(RunOutcome& outcome);

}  // namespace simlab

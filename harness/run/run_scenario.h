// One run: a scenario and a seed in, a judged history and a verdict out.
// The steps, each in its own file: resolve (resolve_scenario.h), drive the
// cluster (simulate.h), judge the history (judge.h), write the result
// (outcome_json.h, run_folder.h).
#pragma once

#include "harness/run/judge.h"
#include "harness/run/outcome_json.h"
#include "harness/run/resolve_scenario.h"
#include "harness/run/run_outcome.h"
#include "harness/run/simulate.h"

namespace simlab {

inline RunOutcome run_scenario(const Scenario& resolved, const RunOptions& options = {}) {
  RunOutcome outcome = simulate_scenario(resolved, options);
  judge_outcome(outcome);
  return outcome;
}

}  // namespace simlab

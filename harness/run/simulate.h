// Step two of a run, in the simulator: the resolved scenario's cluster,
// clients and nemesis run through the safety phase (faults on) and the
// liveness phase (everything healed, every client must complete an op),
// watched by the white-box judges that RunOptions asks for. The history is
// not judged here (judge.h does that).
#pragma once

#include "harness/run/run_outcome.h"

namespace simlab {

RunOutcome simulate_scenario(const Scenario& resolved, const RunOptions& options = {});

}  // namespace simlab

// Step one of a run: a scenario and a seed become the exact scenario that
// runs, with the swarm's draws (fault mix, system options) written in, so
// the resolved scenario replays without the swarm.
#pragma once

#include <cstdint>

#include "harness/scenario.h"

namespace simlab {

// Throws ScenarioError for an unknown system, workload, checker or bug, a
// bad system option, or a timeline fault on a node the cluster lacks.
Scenario resolve_scenario(Scenario scenario, std::uint64_t seed);

}  // namespace simlab

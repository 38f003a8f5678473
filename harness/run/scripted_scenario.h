// A run's faults as a script: the scenario with every rate off and every
// fault the run injected scheduled at its time, for exactly as long as it
// held. Shrinking starts from it, and a real run's --write-timeline writes
// it so the simulator can run the faults a real cluster saw over many seeds.
#pragma once

#include <vector>

#include "faults/nemesis.h"
#include "harness/scenario.h"

namespace simlab {

Scenario scripted_scenario(const Scenario& scenario, const std::vector<faults::FaultEvent>& faults);

}  // namespace simlab

#include "harness/run/scripted_scenario.h"

namespace simlab {

Scenario scripted_scenario(const Scenario& scenario,
                           const std::vector<faults::FaultEvent>& faults) {
  Scenario result = scenario;
  result.faults.rate_per_s.fill(0);
  result.timeline.clear();
  for (const auto& event : faults) {
    faults::ScriptedFault fault = event.fault;
    if (event.end_ns >= 0) fault.duration_ns = event.end_ns - fault.at_ns;
    result.timeline.push_back(fault);
  }
  return result;
}

}  // namespace simlab

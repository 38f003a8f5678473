#include "harness/scenario_flags.h"

namespace simlab {

Scenario scenario_from_flags(const ScenarioFlags& flags) {
  Scenario scenario = flags.file.empty() ? default_scenario() : load_scenario(flags.file);
  if (!flags.system.empty() && flags.system != scenario.system) {
    scenario.system = flags.system;
    scenario.name = flags.system + "-default";
    scenario.workload.clear();
    scenario.checker.clear();
  }
  if (!flags.workload.empty()) scenario.workload = flags.workload;
  if (!flags.bug.empty()) scenario.bug = flags.bug;
  return scenario;
}

}  // namespace simlab

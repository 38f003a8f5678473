#include "harness/scenario_flags.h"

#include "harness/systems/system_registry.h"

namespace simlab {

Scenario scenario_from_flags(const ScenarioFlags& flags) {
  const SystemEntry* system = flags.system.empty() ? nullptr : find_system(flags.system);
  Scenario scenario;
  if (flags.file.empty() && system != nullptr && system->default_scenario) {
    scenario = system->default_scenario();  // the system's own default
  } else {
    scenario = flags.file.empty() ? default_scenario() : load_scenario(flags.file);
    if (!flags.system.empty() && flags.system != scenario.system) {
      scenario.system = flags.system;
      scenario.name = flags.system + "-default";
      scenario.workload.clear();
      scenario.checker.clear();
    }
  }
  if (!flags.workload.empty()) scenario.workload = flags.workload;
  if (!flags.bug.empty()) scenario.bug = flags.bug;
  return scenario;
}

}  // namespace simlab

#include "harness/scenario_flags.h"

#include <fmt/format.h>

#include "harness/systems/system_registry.h"

namespace simlab {

// No file and no --system: the default system's own scenario.
Scenario scenario_from_flags(const ScenarioFlags& flags) {
  const std::string system_name =
      flags.system.empty() && flags.file.empty() ? std::string(kDefaultSystem) : flags.system;
  const SystemEntry* system = system_name.empty() ? nullptr : find_system(system_name);
  if (!system_name.empty() && system == nullptr) {
    throw ScenarioError("--system",
                        fmt::format("unknown system '{}' (see simlab bugs)", system_name));
  }
  Scenario scenario;
  if (flags.file.empty() && system->default_scenario) {
    scenario = system->default_scenario();  // the system's own default
  } else {
    scenario = flags.file.empty() ? register_demo_scenario() : load_scenario(flags.file);
    if (system != nullptr && system_name != scenario.system) {
      scenario.system = system_name;
      scenario.name = system_name + "-default";
      scenario.workload.clear();
      scenario.checker.clear();
    }
  }
  if (!flags.workload.empty()) scenario.workload = flags.workload;
  if (!flags.bug.empty()) scenario.bug = flags.bug;
  return scenario;
}

}  // namespace simlab

// The scenario a command line names: a file, or the default scenario, with
// --system, --workload and --bug laid over it. Shared by run and swarm.
#pragma once

#include <string>

#include "harness/scenario.h"

namespace simlab {

struct ScenarioFlags {
  std::string file;
  std::string system;
  std::string workload;
  std::string bug;
};

// Throws ScenarioError (a bad file is exit 65, a bad flag exit 64).
Scenario scenario_from_flags(const ScenarioFlags& flags);

}  // namespace simlab

// simlab bugs: the planted bugs of every system, one line each.
#include <cstdio>

#include "harness/commands/command.h"
#include "harness/systems/system_registry.h"

namespace simlab {

int cmd_bugs(int, char**) {
  for (const auto& system : systems()) {
    for (const auto& bug : system.bugs) {
      std::printf("%-32.*s %.*s\n", static_cast<int>(bug.name.size()), bug.name.data(),
                  static_cast<int>(bug.description.size()), bug.description.data());
    }
  }
  return kExitValid;
}

}  // namespace simlab

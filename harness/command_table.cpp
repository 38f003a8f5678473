#include "harness/command.h"

namespace simlab {

// One declaration and one row per subcommand; keep the rows in the order
// `simlab --help` should show them.
int cmd_run(int argc, char** argv);

std::span<const Command> command_table() {
  static const Command kCommands[] = {
      {"run", "run one seed of a scenario and judge its history", cmd_run},
  };
  return kCommands;
}

}  // namespace simlab

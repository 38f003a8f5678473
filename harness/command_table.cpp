#include "harness/command.h"

namespace simlab {

// One declaration and one row per subcommand; keep the rows in the order
// `simlab --help` should show them.
int cmd_run(int argc, char** argv);
int cmd_check(int argc, char** argv);
int cmd_bugs(int argc, char** argv);

std::span<const Command> command_table() {
  static const Command kCommands[] = {
      {"run", "run one seed of a scenario and judge its history", cmd_run},
      {"check", "judge history files against a consistency model", cmd_check},
      {"bugs", "list the planted bugs each system can switch on", cmd_bugs},
  };
  return kCommands;
}

}  // namespace simlab

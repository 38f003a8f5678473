#include "harness/commands/command.h"

namespace simlab {

// One declaration and one row per subcommand; keep the rows in the order
// `simlab --help` should show them.
int cmd_run(int argc, char** argv);
int cmd_check(int argc, char** argv);
int cmd_bugs(int argc, char** argv);
int cmd_swarm(int argc, char** argv);
int cmd_replay(int argc, char** argv);
int cmd_shrink(int argc, char** argv);
int cmd_runs(int argc, char** argv);
int cmd_merge(int argc, char** argv);
int cmd_report(int argc, char** argv);
int cmd_node(int argc, char** argv);
int cmd_real_cleanup(int argc, char** argv);

std::span<const Command> command_table() {
  static const Command kCommands[] = {
      {"run", "run one seed of a scenario and judge its history", cmd_run},
      {"swarm", "run many seeds in worker processes, recording each in a results store", cmd_swarm},
      {"replay", "run a run folder or scenario again and check the same trace hash and verdict",
       cmd_replay},
      {"shrink", "make a failing run smaller while it fails the same way", cmd_shrink},
      {"runs", "list the runs in a results store", cmd_runs},
      {"merge", "join results stores (the shards of one swarm) into one", cmd_merge},
      {"report", "write the browsable HTML index of a results store's runs", cmd_report},
      {"check", "judge history files against a consistency model", cmd_check},
      {"bugs", "list the planted bugs each system can switch on", cmd_bugs},
      {"real-cleanup",
       "remove what interrupted real runs left behind (namespaces, links, node processes)",
       cmd_real_cleanup},
      {"node", "run one node of a system as a real process (started by run --real)", cmd_node,
       true},
  };
  return kCommands;
}

}  // namespace simlab

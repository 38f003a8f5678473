// simlab bugs [--system S] [--names]: the planted bugs each system lists
// for itself, one line each (--names: the names alone, for scripts such as
// `make swarm`).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "harness/commands/command.h"
#include "harness/commands/command_line.h"
#include "harness/systems/system_registry.h"

namespace simlab {

int cmd_bugs(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string only;
  bool names = false;
  po::options_description options("simlab bugs [options]");
  options.add_options()("help,h", "show this help")(
      "system", po::value(&only), "only this system's bugs")("names", po::bool_switch(&names),
                                                             "print the names alone, one a line");
  po::variables_map values;
  if (const auto code = parse_command_line("bugs", argc, argv, options, values)) return *code;
  if (!only.empty() && find_system(only) == nullptr) {
    std::fprintf(stderr, "simlab bugs: --system: unknown system '%s'\n", only.c_str());
    return kExitUsage;
  }
  for (const auto& system : systems()) {
    if (!only.empty() && system.name != only) continue;
    for (const auto& bug : system.bugs) {
      if (names) {
        std::printf("%.*s\n", static_cast<int>(bug.name.size()), bug.name.data());
      } else {
        std::printf("%-10.*s %-32.*s %.*s\n", static_cast<int>(system.name.size()),
                    system.name.data(), static_cast<int>(bug.name.size()), bug.name.data(),
                    static_cast<int>(bug.description.size()), bug.description.data());
      }
    }
  }
  return kExitValid;
}

}  // namespace simlab

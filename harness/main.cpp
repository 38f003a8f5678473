// simlab: deterministic simulation and chaos laboratory. Dispatches to the
// subcommand named by the first argument.
#include <cstdio>
#include <exception>
#include <string_view>

#include "harness/commands/command.h"

namespace {

void print_help() {
  std::printf(
      "simlab: deterministic simulation and Jepsen-style chaos laboratory\n\n"
      "usage: simlab COMMAND [OPTIONS]   (simlab COMMAND --help for its options)\n\n"
      "commands:\n");
  for (const auto& command : simlab::command_table()) {
    if (command.hidden) continue;
    std::printf("  %-10.*s %.*s\n", static_cast<int>(command.name.size()), command.name.data(),
                static_cast<int>(command.summary.size()), command.summary.data());
  }
  std::printf(
      "\nexit codes: 0 valid, 1 safety violation, 2 unknown, 3 liveness failure,\n"
      "            64 usage, 65 bad input data, 70 internal error\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_help();
    return simlab::kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_help();
    return simlab::kExitValid;
  }
  for (const auto& command : simlab::command_table()) {
    if (command.name == name) {
      try {
        return command.run(argc - 1, argv + 1);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "simlab %.*s: internal error: %s\n", static_cast<int>(name.size()),
                     name.data(), error.what());
        return simlab::kExitInternal;
      }
    }
  }
  std::fprintf(stderr, "simlab: unknown command '%.*s' (see simlab --help)\n",
               static_cast<int>(name.size()), name.data());
  return simlab::kExitUsage;
}

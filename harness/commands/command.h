// The simlab command line is a table of subcommands, one file each
// (harness/commands/cmd_<name>.cpp), listed in harness/commands/command_table.cpp.
#pragma once

#include <span>
#include <string_view>

namespace simlab {

// sysexits(3) codes and simlab's verdict codes (ARCHITECTURE.md).
enum ExitCode : int {
  kExitValid = 0,
  kExitSafetyViolation = 1,
  kExitUnknown = 2,
  kExitLivenessFailure = 3,
  kExitUsage = 64,         // EX_USAGE
  kExitDataError = 65,     // EX_DATAERR
  kExitNoInput = 66,       // EX_NOINPUT
  kExitUnavailable = 69,   // EX_UNAVAILABLE
  kExitInternal = 70,      // EX_SOFTWARE
  kExitCantCreate = 73,    // EX_CANTCREAT
  kExitIoError = 74,       // EX_IOERR
  kExitInterrupted = 130,  // 128 + SIGINT: a run stopped by SIGINT or SIGTERM, cleaned up
};

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `simlab --help`
  // argv[0] is the command's name; returns the process exit code.
  int (*run)(int argc, char** argv);
  bool hidden = false;  // left out of `simlab --help` (run by simlab itself)
};

std::span<const Command> command_table();

}  // namespace simlab

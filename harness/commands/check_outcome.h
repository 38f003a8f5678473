// What `simlab check` concludes about one file, ranked so the worst file of
// a run sets the exit code. Shared by the linearizability and the
// transactional checks.
#pragma once

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/commands/command.h"

namespace simlab {

enum class FileOutcome { valid, unknown, invalid, bad_input, unreadable, report_unwritable };

inline int exit_code(FileOutcome worst) {
  switch (worst) {
    case FileOutcome::valid:
      return kExitValid;
    case FileOutcome::unknown:
      return kExitUnknown;
    case FileOutcome::invalid:
      return kExitSafetyViolation;
    case FileOutcome::bad_input:
      return kExitDataError;
    case FileOutcome::unreadable:
      return kExitNoInput;
    case FileOutcome::report_unwritable:
      return kExitCantCreate;
  }
  return kExitInternal;
}

// A file `simlab check` could not judge: the message on stderr and, with
// --json, one line in the same shape for every model: {"file", "verdict":
// "bad-input", "error"}.
inline void report_bad_input(bool json, const std::string& file, const std::string& message) {
  if (json) {
    std::cout << nlohmann::json{{"file", file}, {"verdict", "bad-input"}, {"error", message}}.dump()
              << "\n";
  }
  std::fprintf(stderr, "%s\n", message.c_str());
}

}  // namespace simlab

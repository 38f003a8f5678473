// What `simlab check` concludes about one file, ranked so the worst file of
// a run sets the exit code. Shared by the linearizability and the
// transactional checks.
#pragma once

#include "harness/command.h"

namespace simlab {

enum class FileOutcome { valid, unknown, invalid, bad_input, unreadable, report_unwritable };

inline int exit_code(FileOutcome worst) {
  switch (worst) {
    case FileOutcome::valid: return kExitValid;
    case FileOutcome::unknown: return kExitUnknown;
    case FileOutcome::invalid: return kExitSafetyViolation;
    case FileOutcome::bad_input: return kExitDataError;
    case FileOutcome::unreadable: return kExitNoInput;
    case FileOutcome::report_unwritable: return kExitCantCreate;
  }
  return kExitInternal;
}

}  // namespace simlab

// One message and one exit code for a scenario that cannot run: a missing
// file is 66 (EX_NOINPUT), a bad file 65 (EX_DATAERR), a bad flag 64
// (EX_USAGE).
#pragma once

#include <cstdio>

#include "harness/commands/command.h"
#include "harness/scenario.h"

namespace simlab {

inline int report_scenario_error(const char* command, const ScenarioError& error, bool from_file) {
  std::fprintf(stderr, "simlab %s: %s\n", command, error.what());
  if (error.missing_file()) return kExitNoInput;
  const bool flag_field = error.field().rfind("--", 0) == 0;
  return from_file && !flag_field ? kExitDataError : kExitUsage;
}

}  // namespace simlab

// The run page for a plain history file judged by `simlab check --report`:
// the same timeline, charts and explanation, without the simulator's parts
// (no faults, no trace, no replay commands), so a Jepsen or Porcupine
// history can be browsed too.
#pragma once

#include <string>

#include "checkers/history/op.h"
#include "checkers/linearizability/checker.h"

namespace simlab::reports {

// Writes the page to `html_path`. Throws std::runtime_error naming the path
// when it cannot be written.
void write_check_report(const std::string& html_path, const std::string& history_file,
                        const std::string& model, const history::History& history,
                        const linearizability::CheckResult& result);

// Where `simlab check --report DIR` writes the page of the `position`-th
// (0-based) of `count` files: DIR/index.html for one file, else
// DIR/<position+1>-<file name>.html so that no two collide.
std::string check_report_path(const std::string& dir, const std::string& history_file,
                              std::size_t position, std::size_t count);

}  // namespace simlab::reports

// A run's folder: scenario.json (resolved, with the seed), history.jsonl,
// result.json and, with --trace, trace.log.
#pragma once

#include <string>

#include "harness/run/run_scenario.h"

namespace simlab {

// The judges a run folder's result.json says ran (the defaults when it
// says nothing), so replay and shrink judge it the same way.
RunOptions recorded_run_options(const std::string& folder);

// The command that replays this run exactly.
std::string replay_command(const std::string& folder);

// Writes the folder, with its index.html unless `with_report` is false (a
// swarm skips the page for passing runs it will not keep; `simlab report`
// fills in missing pages). Throws std::runtime_error naming the path.
void write_run_folder(const std::string& folder, const RunOutcome& outcome,
                      bool with_report = true);
// Writes scenario.json and history.jsonl only: done before the checker runs,
// so a checker that fails or is killed loses nothing of the run.
void write_run_inputs(const std::string& folder, const RunOutcome& outcome);

}  // namespace simlab

// A run's page: index.html in the run folder, self-contained (inline style,
// script and SVG), drawn from the folder's files.
#pragma once

#include <optional>
#include <string>

#include "checkers/history/op.h"
#include "reports/run_summary.h"
#include "reports/trace_excerpt.h"

namespace simlab::reports {

// The whole page for already-parsed data. A plain history file has a summary
// with no system, no faults and no commands, and no trace.
std::string render_run_page(const RunSummary& summary, const history::History& history,
                            const std::optional<TraceExcerpt>& trace);

// Reads FOLDER/result.json, history.jsonl and, when present, scenario.json
// and trace.log; writes FOLDER/index.html. Throws std::runtime_error naming
// the file that is missing or malformed, or that cannot be written.
void write_run_report(const std::string& folder);

}  // namespace simlab::reports

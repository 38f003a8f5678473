// The "why" section of a run page: the checker's explanation recast for the
// page, and which ops it names so the timeline can highlight them.
//   linearizability: the op that cannot be placed, the longest linearizable
//                    prefix and the model state after it, concurrent ops;
//                    or, from the unique-value fast path, the history spans
//                    that cannot both hold.
//   queue:           the queue checker's finding: its counts, examples and
//                    a lane of offset cells per key they name, as
//                    checkers/queue/queue_explanation.h wrote them; `named`
//                    holds the ops of the finding's example.
//   invariant:       the invariant, the node and the time it broke.
//   unknown:         why the checker gave up.
//   liveness, internal, none: the detail line.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "checkers/history/op.h"
#include "reports/run_summary.h"

namespace simlab::reports {

nlohmann::json explanation_data(const RunSummary& summary, const history::History& history);

// Invoke indexes of every op the explanation names.
std::set<std::int64_t> named_ops(const nlohmann::json& explanation);

// When the failure happened, for centring the timeline and the trace, or -1.
std::int64_t focus_time(const nlohmann::json& explanation, const history::History& history);

}  // namespace simlab::reports

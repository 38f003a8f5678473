// The data a run page renders, as one JSON document: the page's script draws
// everything from it, so nothing from a history, a scenario or a log ever
// becomes markup.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "checkers/history/op.h"
#include "reports/run_summary.h"
#include "reports/trace_excerpt.h"

namespace simlab::reports {

inline constexpr std::size_t kLatencyPointsMax = 6000;
inline constexpr std::size_t kThroughputBuckets = 120;
inline constexpr std::size_t kValueCharsMax = 160;  // a value's text on the page

nlohmann::json run_page_data(const RunSummary& summary, const history::History& history,
                             const std::optional<TraceExcerpt>& trace);

}  // namespace simlab::reports

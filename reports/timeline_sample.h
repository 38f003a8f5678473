// Which ops a timeline draws. A run of 100k ops and more would make a page
// that takes seconds to open and shows bars narrower than a pixel, so past
// a budget the page keeps the ops a person needs (every fail, info and
// pending op, the ops the checker's explanation names, the ops around the
// failure) and an even sample of the rest, and says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include "reports/op_intervals.h"

namespace simlab::reports {

inline constexpr std::size_t kTimelineOpsMax = 20000;
inline constexpr std::size_t kAroundFailureOps = 400;  // kept on each side of the failure

struct TimelineSample {
  std::vector<std::size_t> kept;  // positions in the intervals, ascending
  bool sampled = false;
  std::size_t every = 1;  // of the remaining ops, about one in `every` is kept
};

// `named`: invoke indexes the explanation names. `focus_ns`: the failure's
// time, or -1.
TimelineSample sample_timeline(const std::vector<OpInterval>& intervals,
                               const std::set<std::int64_t>& named, std::int64_t focus_ns,
                               std::size_t budget = kTimelineOpsMax);

}  // namespace simlab::reports

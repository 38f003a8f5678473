#include "checkers/counter/reachable_sums.h"

#include <algorithm>
#include <iterator>

namespace simlab::counter {

void ReachableSums::add_optional(std::int64_t delta) {
  if (delta == 0) return;
  std::vector<std::pair<std::int64_t, std::int64_t>> shifted;
  shifted.reserve(intervals_.size());
  for (const auto& [low, high] : intervals_) shifted.emplace_back(low + delta, high + delta);
  std::vector<std::pair<std::int64_t, std::int64_t>> all;
  all.reserve(2 * intervals_.size());
  std::merge(intervals_.begin(), intervals_.end(), shifted.begin(), shifted.end(),
             std::back_inserter(all));
  intervals_.clear();
  for (const auto& interval : all) {
    // Integers: [1, 3] and [4, 6] are one interval.
    if (!intervals_.empty() && interval.first <= intervals_.back().second + 1) {
      intervals_.back().second = std::max(intervals_.back().second, interval.second);
    } else {
      intervals_.push_back(interval);
    }
  }
  if (intervals_.size() > kIntervalsMax) {
    intervals_ = {{intervals_.front().first, intervals_.back().second}};
    widened_ = true;
  }
}

bool ReachableSums::contains(std::int64_t value) const {
  const auto after =
      std::upper_bound(intervals_.begin(), intervals_.end(), value,
                       [](std::int64_t v, const auto& interval) { return v < interval.first; });
  return after != intervals_.begin() && value <= std::prev(after)->second;
}

}  // namespace simlab::counter

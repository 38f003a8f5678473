// The values a counter may read: a known sum plus any subset of the deltas
// whose adds may or may not have happened, as sorted disjoint closed
// intervals (Maelstrom's pn-counter checker keeps a range set the same
// way). Exact until it would hold more than kIntervalsMax intervals; then
// it widens to its hull (from its smallest to its largest value), which can
// only accept more, and says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace simlab::counter {

class ReachableSums {
 public:
  static constexpr std::size_t kIntervalsMax = 4096;

  explicit ReachableSums(std::int64_t known_sum) : intervals_{{known_sum, known_sum}} {}

  // Each value reachable so far, with or without `delta` added.
  void add_optional(std::int64_t delta);

  bool contains(std::int64_t value) const;
  bool widened() const { return widened_; }
  const std::vector<std::pair<std::int64_t, std::int64_t>>& intervals() const { return intervals_; }

 private:
  std::vector<std::pair<std::int64_t, std::int64_t>>
      intervals_;  // [low, high], sorted, apart by 2 or more
  bool widened_ = false;
};

}  // namespace simlab::counter

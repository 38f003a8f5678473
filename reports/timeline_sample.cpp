#include "reports/timeline_sample.h"

#include <algorithm>

namespace simlab::reports {
namespace {

// Positions of the ops nearest in start time to `focus_ns`.
std::pair<std::size_t, std::size_t> around(const std::vector<OpInterval>& intervals,
                                           std::int64_t focus_ns) {
  if (focus_ns < 0) return {0, 0};
  const auto at =
      std::lower_bound(intervals.begin(), intervals.end(), focus_ns,
                       [](const OpInterval& op, std::int64_t t) { return op.start_ns < t; });
  const std::size_t middle = static_cast<std::size_t>(at - intervals.begin());
  const std::size_t first = middle > kAroundFailureOps ? middle - kAroundFailureOps : 0;
  return {first, std::min(intervals.size(), middle + kAroundFailureOps)};
}

// A fixed permutation-like scramble of a position (Fibonacci hashing).
std::uint64_t spread(std::size_t position) {
  return (static_cast<std::uint64_t>(position) * 0x9E3779B97F4A7C15ull) >> 32;
}

}  // namespace

TimelineSample sample_timeline(const std::vector<OpInterval>& intervals,
                               const std::set<std::int64_t>& named, std::int64_t focus_ns,
                               std::size_t budget) {
  TimelineSample sample;
  if (intervals.size() <= budget) {
    sample.kept.resize(intervals.size());
    for (std::size_t i = 0; i < intervals.size(); ++i) sample.kept[i] = i;
    return sample;
  }
  sample.sampled = true;
  std::vector<bool> keep(intervals.size(), false);
  std::size_t kept = 0;
  const auto mark = [&](std::size_t i) {
    if (!keep[i]) ++kept;
    keep[i] = true;
  };
  const auto [first, last] = around(intervals, focus_ns);
  for (std::size_t i = first; i < last; ++i) mark(i);
  // Unusual ops explain most failures; they come before the even sample, up to half the budget.
  for (std::size_t i = 0; i < intervals.size() && kept < budget / 2; ++i) {
    if (intervals[i].outcome != history::OpType::ok || named.count(intervals[i].invoke_index))
      mark(i);
  }
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    if (named.count(intervals[i].invoke_index)) mark(i);
  }
  const std::size_t room = budget > kept ? budget - kept : 1;
  sample.every = std::max<std::size_t>(1, (intervals.size() - kept + room - 1) / room);
  // Hashed, not strided: a stride in step with the number of processes would keep every op of a few
  // lanes.
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    if (spread(i) % sample.every == 0) mark(i);
  }
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    if (keep[i]) sample.kept.push_back(i);
  }
  return sample;
}

}  // namespace simlab::reports

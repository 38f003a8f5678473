// Delta debugging's ddmin (Zeller and Hildebrandt, "Simplifying and
// Isolating Failure-Inducing Input", TSE 2002), complements only: split the
// items into n chunks and try the run without each chunk; on success keep
// the smaller set and go on at n - 1, else double n, until every single
// item is needed (1-minimal) or `fails` refuses to try more.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

namespace simlab {

// `fails(kept)` runs the candidate that keeps only `kept` (indices into the
// caller's items, ascending) and returns true when it still fails the same
// way (the caller then adopts it). Returns the kept indices.
inline std::vector<std::size_t> ddmin(
    std::size_t count, const std::function<bool(const std::vector<std::size_t>&)>& fails,
    const std::function<bool()>& out_of_budget) {
  std::vector<std::size_t> kept(count);
  for (std::size_t i = 0; i < count; ++i) kept[i] = i;
  std::size_t granularity = 2;
  while (!kept.empty() && !out_of_budget()) {
    granularity = std::min(granularity, kept.size());
    const std::size_t chunk = (kept.size() + granularity - 1) / granularity;
    bool reduced = false;
    for (std::size_t start = 0; start < kept.size() && !reduced && !out_of_budget();
         start += chunk) {
      std::vector<std::size_t> candidate(kept.begin(),
                                         kept.begin() + static_cast<std::ptrdiff_t>(start));
      candidate.insert(
          candidate.end(),
          kept.begin() + static_cast<std::ptrdiff_t>(std::min(kept.size(), start + chunk)),
          kept.end());
      if (fails(candidate)) {
        kept = std::move(candidate);
        reduced = true;
      }
    }
    if (reduced) {
      granularity = std::max<std::size_t>(granularity - 1, 2);
      continue;
    }
    if (granularity >= kept.size()) break;
    granularity = std::min(kept.size(), granularity * 2);
  }
  return kept;
}

}  // namespace simlab

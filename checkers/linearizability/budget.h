// Limits on one check. The work budget (search steps) decides when a search
// gives up, so the same history always gets the same verdict on any
// machine; the deadline is only a safety net (a verdict it causes depends on
// the machine, and says so), as is the cap on the memory the search's
// caches may hold. Running out gives the verdict `unknown` with the reason.
#pragma once

#include <chrono>
#include <cstddef>

namespace simlab::linearizability {

struct Budget {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::size_t memory_bytes_max = std::size_t{4} << 30;
  std::int64_t steps_max = -1;  // -1: no work budget

  bool out_of_steps(std::int64_t steps) const { return steps_max >= 0 && steps > steps_max; }

  bool expired() const { return std::chrono::steady_clock::now() >= deadline; }
};

}  // namespace simlab::linearizability

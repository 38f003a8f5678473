// Limits on one check: a deadline and a cap on the memory the search's
// caches may hold. Running out gives the verdict `unknown` with the reason.
#pragma once

#include <chrono>
#include <cstddef>

namespace simlab::linearizability {

struct Budget {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::size_t memory_bytes_max = std::size_t{4} << 30;

  bool expired() const { return std::chrono::steady_clock::now() >= deadline; }
};

}  // namespace simlab::linearizability

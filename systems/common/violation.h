// A broken invariant in a system under test: a finding, never a crash.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "systems/common/types.h"

namespace simlab {

struct Violation {
  std::string invariant;  // stable name, e.g. "raft.one-leader-per-term"
  std::string detail;     // what was seen, for a person
  std::optional<NodeId> node;
};

// Thrown by SIMLAB_ASSERT inside a system. Drivers catch it around every step
// and end the run as a safety violation naming the node and the seed.
class AssertionFailure : public std::runtime_error {
 public:
  AssertionFailure(std::string invariant, std::string detail)
      : std::runtime_error(invariant + ": " + detail),
        invariant_(std::move(invariant)),
        detail_(std::move(detail)) {}
  const std::string& invariant() const { return invariant_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string invariant_;
  std::string detail_;
};

}  // namespace simlab

// Assertions document invariants and stay on in release builds: a simulator
// run is worth more than the nanoseconds they cost.
#define SIMLAB_ASSERT(condition, invariant_name, detail)                      \
  do {                                                                        \
    if (!(condition)) [[unlikely]] {                                          \
      throw ::simlab::AssertionFailure((invariant_name), (detail));          \
    }                                                                         \
  } while (false)

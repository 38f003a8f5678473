// A history's ops as intervals: each invocation paired with the completion
// its process wrote next. This is what a timeline draws.
#pragma once

#include <cstdint>
#include <vector>

#include "checkers/history/op.h"

namespace simlab::reports {

struct OpInterval {
  std::int64_t invoke_index = 0;
  std::int64_t completion_index = -1;  // -1: never completed (pending at the end)
  std::int64_t start_ns = 0;
  std::int64_t end_ns = -1;  // the completion's time; -1 when pending
  // ok, fail or info; invoke stands for "pending". A pending or info op may
  // take effect at any time after its invocation, so a timeline draws it to
  // the end of the history.
  history::OpType outcome = history::OpType::invoke;

  bool open_ended() const {
    return outcome == history::OpType::info || outcome == history::OpType::invoke;
  }
};

// In invocation order. A completion with no open invocation of its process
// is ignored (the readers reject those; a hand-built history may not).
std::vector<OpInterval> pair_ops(const history::History& history);

}  // namespace simlab::reports

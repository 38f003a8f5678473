// The polynomial fast path for registers whose written values are unique.
//
// With unique writes every read names the write it saw, which is what lets
// Gibbons and Korach ("Testing Shared Memories", SIAM J. Comput. 26(4),
// 1997) decide linearizability of reads and writes in O(n log n); the zone
// form follows Golab, Li and Shah ("Analyzing Consistency Properties for Fun
// and Profit", PODC 2011). We extend it to cas and unknown outcomes:
//  - a value's "cluster" is its writer and the ops that read it; a cas from
//    a to b reads a's cluster and writes b's, and with unique values it must
//    follow a's other readers immediately, so cas-linked clusters form a
//    block that occupies one contiguous stretch of any linearization;
//  - an unknown write or cas whose value nobody observed can be taken as
//    never having happened; one whose value was observed did happen, with
//    its return open to the end of the history.
// A block B spans at least from min return time f(B) to max call time s(B),
// so two blocks with f(B) < s(C) and f(C) < s(B) cannot both fit: invalid.
// Otherwise we lay the blocks out in order of s() greedily, each op at its
// earliest legal point; success is a witness linearization (valid). When
// the greedy layout fails although no necessary condition did, the fast
// path does not decide and the caller falls back to the search.
#pragma once

#include <optional>
#include <string>

#include "checkers/linearizability/partition.h"
#include "checkers/linearizability/verdict.h"

namespace simlab::linearizability {

struct FastPathResult {
  Verdict verdict = Verdict::valid;  // valid or invalid; never unknown
  std::string reason;                // for invalid: the violated condition
};

// nullopt when the fast path does not apply (not a register, a value
// written twice or equal to the initial value) or cannot decide.
std::optional<FastPathResult> check_unique_register(const Partition& partition);

}  // namespace simlab::linearizability

// Judges a counter's history the way Maelstrom's g-counter and pn-counter
// workloads do, and reads during faults too: ops f "add" of an integer
// delta (never negative for a g-counter) and f "read" of the counter's
// value, per key when ops carry one. Anomalies:
//   wrong-final-read  a final read (Op::final_read, Maelstrom's :final?)
//                     that is not the sum of the acknowledged adds plus any
//                     subset of the adds whose outcome is unknown (info or
//                     pending): after healing, every replica has every add
//   impossible-read   a read no subset of the adds invoked before it
//                     completed can sum to (below the sum of their negative
//                     deltas or above the sum of their positive ones)
//   missing-own-add   a read that leaves out an add its own process had
//                     acknowledged before the read began: a session's own
//                     writes are in its causal past (read your writes)
// Ops whose add failed did not happen. A read during faults is judged by
// the bounds of its possible adds (their hull); a final read against the
// exact set of reachable sums (reachable_sums.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checkers/history/op.h"
#include "checkers/history/op_error.h"
#include "checkers/linearizability/verdict.h"

namespace simlab::counter {

using linearizability::Verdict;

enum class CounterKind : std::uint8_t { g_counter, pn_counter };

std::string_view counter_model_name(CounterKind kind);  // "g-counter", "pn-counter"
std::optional<CounterKind> parse_counter_model(std::string_view name);

struct CounterAnomaly {
  std::string name;  // one of the names above
  std::optional<history::Value> key;
  std::int64_t read = -1;  // the read's ok completion, a history position
  std::int64_t process = 0;
  std::int64_t value = 0;  // what it read
  // What it could have read: closed intervals (one for a read during
  // faults; the reachable set for a final read).
  std::vector<std::pair<std::int64_t, std::int64_t>> acceptable;
  std::string detail;  // one sentence a person can read
};

struct CounterResult {
  Verdict verdict = Verdict::valid;
  std::size_t keys = 0;
  std::size_t adds = 0, acknowledged_adds = 0, unknown_adds = 0;
  std::size_t reads = 0, final_reads = 0;  // ok ones
  bool widened = false;                    // some key's reachable set was widened to its hull
  std::vector<CounterAnomaly> anomalies;   // the first kExamplesMax of each kind
  std::map<std::string, std::size_t> counts;
};

inline constexpr std::size_t kExamplesMax = 20;

// The history must have passed HistoryBuilder's checks. Throws
// history::OpError for an op of another shape.
CounterResult check_counter(const history::History& history, CounterKind kind);

}  // namespace simlab::counter

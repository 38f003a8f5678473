// Synthetic transactional histories. Keys retire after a fixed number of
// writes (Jepsen's max-writes-per-key), so reads stay short and version
// orders small however long the history runs.
#pragma once

#include <cstdint>

#include "checkers/history/op.h"
#include "checkers/txn/txn_history.h"

namespace simlab::txn {

struct SyntheticOptions {
  std::uint64_t seed = 1;
  std::uint32_t txn_count = 1000;
  std::uint32_t process_count = 30;
  std::uint32_t active_keys = 100;
  std::uint32_t ops_per_txn = 5;
  std::uint32_t max_appends_per_key = 32;
  double read_fraction = 0.5;  // of micro-ops
  // Transactions take effect at their completion, or with this probability
  // at their invocation: either way inside their interval, but completion
  // order alone then no longer explains the reads.
  double effect_at_invoke_fraction = 0;
  std::int64_t first_key = 0;  // key names start here, so tests can keep others apart
};

// A seeded generator of histories that are strict serializable by
// construction, for tests and benchmarks: clients on several processes
// overlap freely, and each transaction takes effect atomically at its
// completion, which lies inside its own invocation interval.

// Already compiled, without going through history::Value (a million
// transactions as Values would not fit the benchmark's memory budget).
TxnHistory generate_list_append(const SyntheticOptions& options);

// Registers written mostly blind (a write seldom follows a read of its key
// in the same transaction), so inference leaves most version orders open
// and only the solver can decide them.
TxnHistory generate_rw_register(const SyntheticOptions& options);

// The same transactions as history ops (invoke / ok pairs, f "txn"), the
// form the readers produce, with indexes from `first_index`.
history::History to_history(const TxnHistory& txns, std::int64_t first_index = 0);

}  // namespace simlab::txn

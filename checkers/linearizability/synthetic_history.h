// Seeded concurrent histories that are linearizable by construction, for
// tests and benchmarks: processes invoke ops, each op takes effect on a
// sequential reference object at a random moment between its invocation and
// its completion, and some outcomes are reported as unknown (info, after
// which the process retires and a fresh one takes its place). Injected bugs
// (stale reads, lost writes, duplicated appends) make histories that may or
// may not still be linearizable; a checker must find out which.
#pragma once

#include <cstdint>

#include "checkers/history/op.h"

namespace simlab::linearizability {

enum class SyntheticModel { register_rw, cas_register, kv_append, set, queue, counter, mutex };

struct SyntheticOptions {
  std::uint64_t seed = 1;
  SyntheticModel model = SyntheticModel::cas_register;
  int processes = 5;
  int ops = 100;  // invocations
  int keys = 0;   // 0: one unkeyed object
  bool unique_values = true;  // every write/cas/append value distinct per key
  int value_range = 5;        // values drawn from [0, value_range) when not unique
  double info_probability = 0.0;
  double fail_probability = 0.0;  // a failed op did not take effect
  // Bugs: a read returns an earlier value; an ok write is not applied; an
  // append is applied twice.
  double stale_read_probability = 0.0;
  double lost_write_probability = 0.0;
  double duplicate_append_probability = 0.0;
};

history::History make_synthetic_history(const SyntheticOptions& options);

}  // namespace simlab::linearizability

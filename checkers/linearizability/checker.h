// The linearizability checker: splits a history per key, then decides each
// part with the unique-value register fast path when it applies and the
// Wing-Gong-Lowe search otherwise.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "checkers/history/op.h"
#include "checkers/linearizability/explanation.h"
#include "checkers/linearizability/model.h"
#include "checkers/linearizability/verdict.h"

namespace simlab::linearizability {

struct CheckOptions {
  // The work budget for the whole history, in search steps (-1: none): what
  // decides `unknown`, the same on every machine.
  std::int64_t search_steps_max = -1;
  // A safety net only: a verdict it causes says so (CheckResult::safety_net).
  std::chrono::milliseconds time_limit{std::chrono::minutes(5)};  // for the whole history
  std::size_t memory_limit_bytes = std::size_t{4} << 30;         // per search cache
  bool fast_path = true;
};

struct CheckStats {
  std::size_t partitions = 0;
  std::size_t ops = 0;  // ops the checker considered (failed ops and unknown reads dropped)
  std::size_t fast_path_partitions = 0;
  std::size_t searched_partitions = 0;
  std::int64_t search_steps = 0;
};

struct CheckResult {
  Verdict verdict = Verdict::valid;
  std::string reason;  // one line for invalid and unknown
  std::optional<Explanation> explanation;  // for invalid
  CheckStats stats;
  bool safety_net = false;  // unknown because of the wall clock (machine-dependent)
};

// REQUIRES: a history that passed the readers' checks (HistoryBuilder).
// Throws ModelError (partition.h) for an op the model does not know.
CheckResult check_linearizability(const history::History& history, const ModelFactory& factory,
                                  const CheckOptions& options = {});

}  // namespace simlab::linearizability

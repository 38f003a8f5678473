// The transactional isolation checker: inference, dependency graph, cycle
// search, and for register histories with open version orders the exact
// solver; then a verdict against one consistency model.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkers/txn/anomaly.h"
#include "checkers/txn/consistency_model.h"
#include "checkers/txn/dependency_graph.h"
#include "checkers/txn/inference.h"
#include "checkers/txn/register_solver.h"
#include "checkers/txn/txn_history.h"

namespace simlab::txn {

enum class Verdict { valid, invalid, unknown };
std::string_view verdict_name(Verdict verdict);

struct TxnCheckOptions {
  ConsistencyModel model = ConsistencyModel::strict_serializable;
  InferenceOptions inference;
  bool use_solver = true;       // rw-register with open orders: ask Z3
  double solver_budget_s = 60;  // after which the verdict is unknown
  std::uint64_t cycle_visit_budget = 20'000'000;
};

struct TxnCheckResult {
  Verdict verdict = Verdict::unknown;
  ConsistencyModel model = ConsistencyModel::strict_serializable;
  std::vector<Anomaly> anomalies;                  // all found, cycles last
  std::vector<ConsistencyModel> weakest_violated;  // from the anomalies
  bool orders_complete = true;
  bool cycle_search_truncated = false;
  std::optional<SolverResult> solver;
  std::string note;  // why the verdict is unknown, or what was not checked
  std::shared_ptr<const DependencyGraph> graph;  // the edges cycles refer to
  std::size_t txn_count = 0;
};

TxnCheckResult check_transactions(const TxnHistory& history, const TxnCheckOptions& options);

}  // namespace simlab::txn

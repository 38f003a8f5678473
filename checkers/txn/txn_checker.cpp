#include "checkers/txn/txn_checker.h"

#include <fmt/format.h>

#include <algorithm>

#include "checkers/txn/cycle_search.h"
#include "checkers/txn/realtime_order.h"

namespace simlab::txn {
namespace {

std::shared_ptr<DependencyGraph> build_graph(const TxnHistory& history,
                                             const TxnCheckOptions& options, Inference& inference) {
  auto graph = std::make_shared<DependencyGraph>(static_cast<std::uint32_t>(history.txns.size()));
  inference = history.model == DataModel::list_append
                  ? infer_list_append(history, *graph)
                  : infer_rw_register(history, options.inference, *graph);
  if (needs_order_edges(options.model)) {
    add_process_edges(history, *graph);
    add_realtime_edges(history, *graph);
  }
  graph->freeze();
  return graph;
}

std::optional<SolverModel> solver_model_for(ConsistencyModel model) {
  switch (model) {
    case ConsistencyModel::repeatable_read:  // PL-2.99 over items is serializability
    case ConsistencyModel::serializable:
      return SolverModel::serializable;
    case ConsistencyModel::strict_serializable:
      return SolverModel::strict_serializable;
    case ConsistencyModel::snapshot_isolation:
      return SolverModel::snapshot_isolation;
    default:
      return std::nullopt;
  }
}

std::string_view solver_anomaly(SolverModel model) {
  switch (model) {
    case SolverModel::serializable:
      return "unsatisfiable-serializable";
    case SolverModel::strict_serializable:
      return "unsatisfiable-strict-serializable";
    case SolverModel::snapshot_isolation:
      return "unsatisfiable-snapshot-isolation";
  }
  return "?";
}

// Inference found nothing the model forbids, but the register orders are
// open: the solver decides.
void decide_with_solver(const TxnHistory& history, const TxnCheckOptions& options,
                        TxnCheckResult& result) {
  const auto solver_model = solver_model_for(options.model);
  if (!solver_model) {
    result.verdict = Verdict::valid;
    result.note = "version orders are open; for this model the verdict rests on inference alone";
    return;
  }
  if (!options.use_solver) {
    result.verdict = Verdict::unknown;
    result.note = "version orders are open and the solver is off";
    return;
  }
  result.solver = solve_register_order(history, *solver_model, options.solver_budget_s);
  const SolverResult& solved = *result.solver;
  if (solved.outcome == SolverResult::Outcome::satisfiable) {
    result.verdict = Verdict::valid;
  } else if (solved.outcome == SolverResult::Outcome::unknown) {
    result.verdict = Verdict::unknown;
    result.note =
        fmt::format("the solver gave up after {:.1f} s: {}", solved.elapsed_s, solved.reason);
  } else {
    result.verdict = Verdict::invalid;
    Anomaly anomaly{std::string(solver_anomaly(*solver_model)), solved.core_txns, {}, ""};
    anomaly.detail = fmt::format("no version order satisfies {}; these facts cannot all hold: {}",
                                 model_name(options.model), fmt::join(solved.core_facts, "; "));
    result.anomalies.push_back(std::move(anomaly));
  }
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::valid:
      return "valid";
    case Verdict::invalid:
      return "invalid";
    case Verdict::unknown:
      return "unknown";
  }
  return "?";
}

TxnCheckResult check_transactions(const TxnHistory& history, const TxnCheckOptions& options) {
  TxnCheckResult result;
  result.model = options.model;
  result.txn_count = history.txns.size();
  Inference inference;
  auto graph = build_graph(history, options, inference);
  result.graph = graph;
  result.orders_complete = inference.orders_complete;
  result.anomalies = std::move(inference.anomalies);
  CycleSearchOptions search;
  search.order_kinds = needs_order_edges(options.model) ? kOrderKinds : 0;
  search.visit_budget = options.cycle_visit_budget;
  auto cycles = find_cycle_anomalies(*graph, search);
  result.cycle_search_truncated = cycles.truncated;
  for (auto& cycle : cycles.cycles) result.anomalies.push_back(std::move(cycle));

  std::vector<std::string> types;
  for (const auto& anomaly : result.anomalies) types.push_back(anomaly.type);
  const bool violated = std::any_of(types.begin(), types.end(), [&](const std::string& type) {
    return prohibits(options.model, type);
  });
  if (violated) {
    result.verdict = Verdict::invalid;
  } else if (cycles.truncated) {
    result.verdict = Verdict::unknown;
    result.note = "the cycle search ran out of budget in a large component";
  } else if (!result.orders_complete) {
    decide_with_solver(history, options, result);
  } else {
    result.verdict = Verdict::valid;
  }
  for (const auto& anomaly : result.anomalies) {
    if (std::find(types.begin(), types.end(), anomaly.type) == types.end())
      types.push_back(anomaly.type);
  }
  result.weakest_violated = weakest_violated(types);
  return result;
}

}  // namespace simlab::txn

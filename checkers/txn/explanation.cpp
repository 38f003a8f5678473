#include "checkers/txn/explanation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace simlab::txn {
namespace {

std::string list_text(std::span<const std::int64_t> values) {
  return fmt::format("[{}]", fmt::join(values, " "));
}

std::string explain_dependency(const TxnHistory& history, const DependencyEdge& edge) {
  const std::string from = txn_label(edge.from), to = txn_label(edge.to);
  const std::string& key = history.key_names[edge.key];
  const bool lists = history.model == DataModel::list_append;
  switch (edge.kind) {
    case kWw:
      return lists ? fmt::format("{} appended {} to key {}, and {}'s append of {} came next", from,
                                 edge.value_from, key, to, edge.value_to)
                   : fmt::format("{} wrote key {} = {}, and {} wrote the next version, {}", from,
                                 key, edge.value_from, to, edge.value_to);
    case kWr:
      return lists
                 ? fmt::format("{} read {}'s append of {} to key {}", to, from, edge.value_to, key)
                 : fmt::format("{} read {}'s write of {} to key {}", to, from, edge.value_to, key);
    case kRw:
      if (lists) {
        return edge.value_from == kNilValue
                   ? fmt::format("{} read key {} empty, and {} appended {}, its first element",
                                 from, key, to, edge.value_to)
                   : fmt::format("{} read key {} up to {}, and {} appended {} right after it", from,
                                 key, edge.value_from, to, edge.value_to);
      }
      return fmt::format("{} read key {} = {}, and {} wrote the next version, {}", from, key,
                         value_text(edge.value_from), to, edge.value_to);
    default:
      return "?";
  }
}

nlohmann::json txn_json(const TxnHistory& history, std::uint32_t id) {
  const Txn& txn = history.txns[id];
  nlohmann::json out = {{"id", txn_label(id)},
                        {"process", txn.process},
                        {"invoke-index", txn.invoke_index},
                        {"ops", txn_text(history, id)}};
  if (txn.complete_index >= 0) out["complete-index"] = txn.complete_index;
  return out;
}

nlohmann::json anomaly_json(const TxnHistory& history, const TxnCheckResult& result,
                            const Anomaly& anomaly) {
  nlohmann::json out = {{"type", anomaly.type}, {"txns", nlohmann::json::array()}};
  for (const auto txn : anomaly.txns) out["txns"].push_back(txn_json(history, txn));
  if (!anomaly.detail.empty()) out["explanation"] = anomaly.detail;
  if (anomaly.slots.empty()) return out;
  out["cycle"] = nlohmann::json::array();
  for (std::size_t i = 0; i < anomaly.slots.size(); ++i) {
    const auto slot = anomaly.slots[i];
    out["cycle"].push_back({{"from", txn_label(anomaly.txns[i])},
                            {"to", txn_label(anomaly.txns[(i + 1) % anomaly.txns.size()])},
                            {"kind", edge_kind_name(result.graph->kind(slot))},
                            {"why", explain_edge(history, *result.graph, slot)}});
  }
  return out;
}

std::string anomaly_text(const TxnHistory& history, const TxnCheckResult& result,
                         const Anomaly& anomaly) {
  std::string out;
  if (anomaly.slots.empty()) {
    out += fmt::format("  {}\n", anomaly.detail);
  } else {
    std::vector<std::string> names;
    for (const auto txn : anomaly.txns) names.push_back(txn_label(txn));
    names.push_back(names.front());
    out += fmt::format("  cycle {}\n", fmt::join(names, " -> "));
    for (std::size_t i = 0; i < anomaly.slots.size(); ++i) {
      const auto slot = anomaly.slots[i];
      out += fmt::format("    {:<8} {}\n", edge_kind_name(result.graph->kind(slot)),
                         explain_edge(history, *result.graph, slot));
    }
  }
  for (const auto txn : anomaly.txns) {
    const Txn& t = history.txns[txn];
    out += fmt::format("    {} = process {}, index {}: {}\n", txn_label(txn), t.process,
                       t.complete_index >= 0 ? t.complete_index : t.invoke_index,
                       txn_text(history, txn));
  }
  return out;
}

// Anomalies grouped by type, in order of first appearance.
std::vector<std::pair<std::string, std::vector<const Anomaly*>>> by_type(const TxnCheckResult& r) {
  std::vector<std::pair<std::string, std::vector<const Anomaly*>>> groups;
  for (const auto& anomaly : r.anomalies) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& group) { return group.first == anomaly.type; });
    if (it == groups.end()) it = groups.insert(groups.end(), {anomaly.type, {}});
    it->second.push_back(&anomaly);
  }
  return groups;
}

}  // namespace

std::string explain_edge(const TxnHistory& history, const DependencyGraph& graph,
                         std::uint32_t slot) {
  const EdgeKind kind = graph.kind(slot);
  if (kind & kDependencyKinds) return explain_dependency(history, graph.dependency(slot));
  const std::uint32_t from = graph.source_of_slot(slot), to = graph.target(slot);
  if (kind == kProcess) {
    return fmt::format("{} and {} ran on process {}, {} first", txn_label(from), txn_label(to),
                       history.txns[from].process, txn_label(from));
  }
  return fmt::format("{} completed (index {}) before {} began (index {})", txn_label(from),
                     history.txns[from].complete_index, txn_label(to),
                     history.txns[to].invoke_index);
}

std::string txn_text(const TxnHistory& history, std::uint32_t txn) {
  std::vector<std::string> ops;
  for (const MicroOp& op : history.ops_of(txn)) {
    const std::string& key = history.key_names[op.key];
    if (op.kind == MicroOpKind::append) ops.push_back(fmt::format("[append {} {}]", key, op.value));
    if (op.kind == MicroOpKind::write) ops.push_back(fmt::format("[w {} {}]", key, op.value));
    if (op.kind != MicroOpKind::read) continue;
    std::string result = !op.result_known ? "nil"
                         : history.model == DataModel::list_append
                             ? list_text(history.elements_of(op))
                             : value_text(op.value);
    ops.push_back(fmt::format("[r {} {}]", key, result));
  }
  return fmt::format("[{}]", fmt::join(ops, " "));
}

std::string explain_text(const TxnHistory& history, const TxnCheckResult& result,
                         std::size_t per_type) {
  std::string out = fmt::format("{} transactions; {} under {}\n", result.txn_count,
                                verdict_name(result.verdict), model_name(result.model));
  if (!result.weakest_violated.empty()) {
    std::vector<std::string_view> names;
    for (const auto model : result.weakest_violated) names.push_back(model_name(model));
    out += fmt::format("not {} (the weakest models these anomalies rule out)\n",
                       fmt::join(names, ", nor "));
  }
  if (!result.note.empty()) out += fmt::format("note: {}\n", result.note);
  if (result.solver) {
    out += fmt::format("solver: {} constraints, {:.2f} s\n", result.solver->constraints,
                       result.solver->elapsed_s);
  }
  for (const auto& [type, anomalies] : by_type(result)) {
    out += fmt::format("\n{} ({}):\n", type, anomalies.size());
    for (std::size_t i = 0; i < anomalies.size() && i < per_type; ++i) {
      out += anomaly_text(history, result, *anomalies[i]);
    }
    if (anomalies.size() > per_type)
      out += fmt::format("  ... and {} more\n", anomalies.size() - per_type);
  }
  return out;
}

nlohmann::json explain_json(const TxnHistory& history, const TxnCheckResult& result,
                            std::size_t per_type) {
  nlohmann::json out = {
      // "valid" as Elle names it; "verdict" as every simlab check names it.
      {"valid", verdict_name(result.verdict)}, {"verdict", verdict_name(result.verdict)},
      {"model", model_name(result.model)},
      {"txn-count", result.txn_count},         {"anomaly-types", nlohmann::json::array()},
      {"not", nlohmann::json::array()},        {"anomalies", nlohmann::json::object()}};
  for (const auto model : result.weakest_violated) out["not"].push_back(model_name(model));
  for (const auto& [type, anomalies] : by_type(result)) {
    out["anomaly-types"].push_back(type);
    auto& list = out["anomalies"][type] = nlohmann::json::array();
    for (std::size_t i = 0; i < anomalies.size() && i < per_type; ++i) {
      list.push_back(anomaly_json(history, result, *anomalies[i]));
    }
  }
  if (!result.note.empty()) out["note"] = result.note;
  if (result.solver) {
    out["solver"] = {{"elapsed-s", result.solver->elapsed_s},
                     {"constraints", result.solver->constraints}};
    if (!result.solver->core_facts.empty()) out["solver"]["core"] = result.solver->core_facts;
  }
  return out;
}

}  // namespace simlab::txn

#include "checkers/txn/consistency_model.h"

#include <algorithm>
#include <array>

namespace simlab::txn {
namespace {

using enum ConsistencyModel;

constexpr std::array kModels = {read_uncommitted,   read_committed, repeatable_read,
                                snapshot_isolation, serializable,   strict_serializable};

constexpr std::array<std::string_view, 6> kNames = {"read-uncommitted", "read-committed",
                                                    "repeatable-read",  "snapshot-isolation",
                                                    "serializable",     "strict-serializable"};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The weakest models that rule the anomaly out; every model implying one of
// them rules it out too.
std::vector<ConsistencyModel> weakest_prohibitors(std::string_view type) {
  if (ends_with(type, "-realtime") || ends_with(type, "-process")) return {strict_serializable};
  // Not isolation anomalies at all: the data or the database is broken.
  if (type == "G0" || type == "internal" || type == "garbage-read" ||
      type == "duplicate-elements" || type == "incompatible-order") {
    return {read_uncommitted};
  }
  if (type == "G1a" || type == "G1b" || type == "G1c") return {read_committed};
  // Adya PL-2.99 (repeatable read) rules out every item cycle with an
  // anti-dependency; SI rules out those without two adjacent ones.
  if (type == "G-single" || type == "G-nonadjacent" || type == "lost-update") {
    return {repeatable_read, snapshot_isolation};
  }
  if (type == "G2-item") return {repeatable_read};
  // Solver verdicts: no version order makes the history satisfy the model.
  // Over items, serializability and repeatable read coincide (PL-2.99).
  if (type == "unsatisfiable-serializable") return {repeatable_read};
  if (type == "unsatisfiable-snapshot-isolation") return {snapshot_isolation};
  if (type == "unsatisfiable-strict-serializable") return {strict_serializable};
  return {read_uncommitted};  // unknown types are never waved through
}

}  // namespace

std::optional<ConsistencyModel> parse_consistency_model(std::string_view name) {
  for (std::size_t i = 0; i < kModels.size(); ++i) {
    if (kNames[i] == name) return kModels[i];
  }
  if (name == "strict-serializability" || name == "strict") return strict_serializable;
  if (name == "serializability") return serializable;
  if (name == "si") return snapshot_isolation;
  return std::nullopt;
}

std::string_view model_name(ConsistencyModel model) { return kNames[static_cast<int>(model)]; }

bool implies(ConsistencyModel stronger, ConsistencyModel weaker) {
  if (stronger == weaker || weaker == read_uncommitted) return true;
  switch (stronger) {
    case strict_serializable:
      return true;
    case serializable:
      return weaker != strict_serializable;
    case snapshot_isolation:
      return weaker == read_committed;
    case repeatable_read:
      return weaker == read_committed;
    default:
      return false;
  }
}

bool prohibits(ConsistencyModel model, std::string_view anomaly_type) {
  const auto prohibitors = weakest_prohibitors(anomaly_type);
  return std::any_of(prohibitors.begin(), prohibitors.end(),
                     [&](ConsistencyModel weakest) { return implies(model, weakest); });
}

std::vector<ConsistencyModel> weakest_violated(const std::vector<std::string>& anomaly_types) {
  std::vector<ConsistencyModel> violated;
  for (const auto model : kModels) {
    const bool hit = std::any_of(anomaly_types.begin(), anomaly_types.end(),
                                 [&](const std::string& type) { return prohibits(model, type); });
    if (hit) violated.push_back(model);
  }
  std::vector<ConsistencyModel> weakest;
  for (const auto model : violated) {
    const bool has_weaker = std::any_of(
        violated.begin(), violated.end(),
        [&](ConsistencyModel other) { return other != model && implies(model, other); });
    if (!has_weaker) weakest.push_back(model);
  }
  return weakest;
}

bool needs_order_edges(ConsistencyModel model) { return model == strict_serializable; }

}  // namespace simlab::txn

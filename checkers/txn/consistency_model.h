// The consistency models a transactional history is judged against and the
// anomalies each one rules out, after Adya's thesis (PL-1 .. PL-3, PL-SI)
// and Elle's model lattice (Kingsbury & Alvaro, VLDB 2020, figure 3;
// Cerone & Gotsman, PODC 2016, for SI's G-nonadjacent).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simlab::txn {

enum class ConsistencyModel {
  read_uncommitted,
  read_committed,
  repeatable_read,
  snapshot_isolation,
  serializable,
  strict_serializable,
};

std::optional<ConsistencyModel> parse_consistency_model(std::string_view name);
std::string_view model_name(ConsistencyModel model);

// Whether `stronger` implies `weaker` (every history valid under `stronger`
// is valid under `weaker`). Reflexive.
bool implies(ConsistencyModel stronger, ConsistencyModel weaker);

// Whether the model rules out an anomaly type ("G1a", "G2-item-realtime"...).
bool prohibits(ConsistencyModel model, std::string_view anomaly_type);

// The weakest models that rule out at least one of the anomaly types, as
// Elle reports them ("not read-committed" says more than "not serializable").
std::vector<ConsistencyModel> weakest_violated(const std::vector<std::string>& anomaly_types);

// Whether checking the model needs process and real-time order edges.
bool needs_order_edges(ConsistencyModel model);

}  // namespace simlab::txn

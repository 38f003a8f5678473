#include "faults/cluster_view.h"

namespace simlab::faults {

std::optional<NodeId> ClusterView::leader() const {
  const NodeStatus* best = nullptr;
  for (const NodeStatus& status : nodes) {
    if (status.answered && status.leader && (best == nullptr || status.term > best->term))
      best = &status;
  }
  return best ? std::optional<NodeId>(best->node) : std::nullopt;
}

std::optional<NodeId> ClusterView::longest_log() const {
  const NodeStatus* best = nullptr;
  for (const NodeStatus& status : nodes) {
    if (status.answered && (best == nullptr || status.last_index > best->last_index))
      best = &status;
  }
  return best ? std::optional<NodeId>(best->node) : std::nullopt;
}

}  // namespace simlab::faults

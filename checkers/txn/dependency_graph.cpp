#include "checkers/txn/dependency_graph.h"

#include <algorithm>
#include <cassert>

namespace simlab::txn {

std::string_view edge_kind_name(EdgeKind kind) {
  switch (kind) {
    case kWw:
      return "ww";
    case kWr:
      return "wr";
    case kRw:
      return "rw";
    case kProcess:
      return "process";
    case kRealtime:
      return "realtime";
  }
  return "?";
}

void DependencyGraph::add_dependency(const DependencyEdge& edge) {
  assert(!frozen_);
  assert(edge.from != edge.to);
  assert(edge.from < node_count_ && edge.to < node_count_);
  dependencies_.push_back(edge);
}

void DependencyGraph::add_order(const OrderEdge& edge) {
  assert(!frozen_);
  assert(edge.from != edge.to);
  orders_.push_back(edge);
}

// A counting sort by source: linear in the edges, no comparison sort, so a
// million transactions with tens of millions of edges freeze in well under a
// second.
void DependencyGraph::freeze() {
  assert(!frozen_);
  frozen_ = true;
  offsets_.assign(node_count_ + 1, 0);
  for (const auto& edge : dependencies_) ++offsets_[edge.from + 1];
  for (const auto& edge : orders_) ++offsets_[edge.from + 1];
  for (std::uint32_t node = 0; node < node_count_; ++node) offsets_[node + 1] += offsets_[node];
  const std::size_t total = dependencies_.size() + orders_.size();
  targets_.resize(total);
  references_.resize(total);
  kinds_.resize(total);
  std::vector<std::uint32_t> cursor(offsets_.begin(), offsets_.end() - 1);
  for (std::uint32_t i = 0; i < dependencies_.size(); ++i) {
    const std::uint32_t slot = cursor[dependencies_[i].from]++;
    targets_[slot] = dependencies_[i].to;
    references_[slot] = i;
    kinds_[slot] = dependencies_[i].kind;
  }
  for (std::uint32_t i = 0; i < orders_.size(); ++i) {
    const std::uint32_t slot = cursor[orders_[i].from]++;
    targets_[slot] = orders_[i].to;
    references_[slot] = i;
    kinds_[slot] = orders_[i].kind;
  }
  orders_.clear();
  orders_.shrink_to_fit();  // their targets and kinds now live in the arrays
}

std::uint32_t DependencyGraph::source_of_slot(std::uint32_t slot) const {
  // offsets_ is non-decreasing: the source is the last node whose range starts at or before slot.
  const auto it = std::upper_bound(offsets_.begin(), offsets_.end(), slot);
  return static_cast<std::uint32_t>(it - offsets_.begin()) - 1;
}

}  // namespace simlab::txn

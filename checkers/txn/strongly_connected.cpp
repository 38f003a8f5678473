#include "checkers/txn/strongly_connected.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace simlab::txn {
namespace {

constexpr std::uint32_t kUnvisited = std::numeric_limits<std::uint32_t>::max();

struct Frame {
  std::uint32_t node;
  std::uint32_t slot;  // next out-edge slot to look at
};

class Tarjan {
 public:
  Tarjan(const DependencyGraph& graph, std::uint8_t mask)
      : graph_(graph),
        mask_(mask),
        index_(graph.node_count(), kUnvisited),
        low_(graph.node_count(), 0),
        on_stack_(graph.node_count(), false) {
    result_.component_of.assign(graph.node_count(), kUnvisited);
  }

  Components run() {
    for (std::uint32_t root = 0; root < graph_.node_count(); ++root) {
      if (index_[root] == kUnvisited) visit(root);
    }
    return std::move(result_);
  }

 private:
  void open(std::uint32_t node) {
    index_[node] = low_[node] = next_index_++;
    stack_.push_back(node);
    on_stack_[node] = true;
    frames_.push_back({node, graph_.begin(node)});
  }

  void visit(std::uint32_t root) {
    open(root);
    while (!frames_.empty()) {
      Frame& frame = frames_.back();
      const std::uint32_t node = frame.node;
      if (frame.slot < graph_.end(node)) {
        const std::uint32_t slot = frame.slot++;
        if ((graph_.kind(slot) & mask_) == 0) continue;
        const std::uint32_t next = graph_.target(slot);
        if (index_[next] == kUnvisited) {
          open(next);  // invalidates `frame`
        } else if (on_stack_[next]) {
          low_[node] = std::min(low_[node], index_[next]);
        }
        continue;
      }
      frames_.pop_back();
      if (!frames_.empty()) {
        const std::uint32_t parent = frames_.back().node;
        low_[parent] = std::min(low_[parent], low_[node]);
      }
      if (low_[node] == index_[node]) close(node);
    }
  }

  void close(std::uint32_t root) {
    const auto id = next_component_++;
    if (stack_.back() == root) {  // the common case: no allocation
      stack_.pop_back();
      on_stack_[root] = false;
      result_.component_of[root] = id;
      return;
    }
    std::vector<std::uint32_t> members;
    std::uint32_t member;
    do {
      member = stack_.back();
      stack_.pop_back();
      on_stack_[member] = false;
      result_.component_of[member] = id;
      members.push_back(member);
    } while (member != root);
    if (members.size() >= 2) {
      std::sort(members.begin(), members.end());
      result_.nontrivial.push_back(std::move(members));
    }
  }

  const DependencyGraph& graph_;
  std::uint8_t mask_;
  std::vector<std::uint32_t> index_;
  std::vector<std::uint32_t> low_;
  std::vector<bool> on_stack_;
  std::vector<std::uint32_t> stack_;
  std::vector<Frame> frames_;
  std::uint32_t next_index_ = 0;
  std::uint32_t next_component_ = 0;
  Components result_;
};

}  // namespace

Components strongly_connected(const DependencyGraph& graph, std::uint8_t kind_mask) {
  assert(kind_mask != 0);
  Components components = Tarjan(graph, kind_mask).run();
  // Deterministic order for reports: by smallest member.
  std::sort(components.nontrivial.begin(), components.nontrivial.end());
  return components;
}

}  // namespace simlab::txn

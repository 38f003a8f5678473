// The direct serialization graph of Adya's thesis (MIT 1999, section 3.1.4):
// transactions as nodes, ww / wr / rw dependency edges derived from version
// orders, plus process and real-time order edges when the consistency model
// asks for them. Edges are collected first, then frozen into a compressed
// adjacency array for the SCC and cycle searches.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "checkers/txn/txn_history.h"

namespace simlab::txn {

enum EdgeKind : std::uint8_t {
  kWw = 1,         // write-write: the target installed the next version
  kWr = 2,         // write-read: the target read the source's version
  kRw = 4,         // read-write (anti-dependency): the target overwrote what the source read
  kProcess = 8,    // same process, the source first
  kRealtime = 16,  // the source completed before the target was invoked
};
inline constexpr std::uint8_t kDependencyKinds = kWw | kWr | kRw;
inline constexpr std::uint8_t kOrderKinds = kProcess | kRealtime;
inline constexpr std::uint8_t kAllKinds = kDependencyKinds | kOrderKinds;

std::string_view edge_kind_name(EdgeKind kind);

// Why a dependency edge exists: the key and the two versions involved.
// ww: source wrote value_from, target wrote value_to, the next version.
// wr: the target read value_to, which the source wrote.
// rw: the source read value_from (kNilValue: the initial state or an empty
//     list), the target wrote value_to, the version after it.
struct DependencyEdge {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::uint32_t key = 0;
  EdgeKind kind = kWw;
  std::int64_t value_from = kNilValue;
  std::int64_t value_to = kNilValue;
};

struct OrderEdge {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  EdgeKind kind = kProcess;
};

class DependencyGraph {
 public:
  explicit DependencyGraph(std::uint32_t node_count) : node_count_(node_count) {}

  // REQUIRES: not frozen; from != to (self-dependencies carry no order).
  void add_dependency(const DependencyEdge& edge);
  void add_order(const OrderEdge& edge);
  // Builds the adjacency arrays; call once, after the last add_*.
  void freeze();

  std::uint32_t node_count() const { return node_count_; }
  std::size_t edge_count() const { return targets_.size(); }
  // Out-edges of `node` are the half-open range [begin, end) of edge slots.
  std::uint32_t begin(std::uint32_t node) const { return offsets_[node]; }
  std::uint32_t end(std::uint32_t node) const { return offsets_[node + 1]; }
  std::uint32_t target(std::uint32_t slot) const { return targets_[slot]; }
  EdgeKind kind(std::uint32_t slot) const { return static_cast<EdgeKind>(kinds_[slot]); }
  std::uint32_t source_of_slot(std::uint32_t slot) const;
  // A dependency edge's reason; REQUIRES: kind(slot) is a dependency kind.
  const DependencyEdge& dependency(std::uint32_t slot) const {
    return dependencies_[references_[slot]];
  }

 private:
  std::uint32_t node_count_;
  bool frozen_ = false;
  std::vector<DependencyEdge> dependencies_;
  std::vector<OrderEdge> orders_;
  std::vector<std::uint32_t> offsets_;
  std::vector<std::uint32_t> targets_;
  std::vector<std::uint32_t> references_;  // index into dependencies_ or orders_
  std::vector<std::uint8_t> kinds_;
};

}  // namespace simlab::txn

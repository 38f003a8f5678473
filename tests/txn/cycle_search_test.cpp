// Cycle classes on hand-built graphs: each class found with its shortest
// cycle, variants only with order edges, and the budget honoured.
#include "checkers/txn/cycle_search.h"

#include <gtest/gtest.h>

namespace simlab::txn {
namespace {

struct Edge {
  std::uint32_t from, to;
  EdgeKind kind;
};

std::vector<std::pair<std::string, std::size_t>> classify(std::uint32_t nodes,
                                                          std::vector<Edge> edges,
                                                          std::uint8_t order_kinds = 0,
                                                          std::uint64_t budget = 1'000'000) {
  DependencyGraph graph(nodes);
  for (const auto& e : edges) {
    if (e.kind & kOrderKinds) {
      graph.add_order({e.from, e.to, e.kind});
    } else {
      graph.add_dependency({e.from, e.to, 0, e.kind});
    }
  }
  graph.freeze();
  std::vector<std::pair<std::string, std::size_t>> found;
  for (const auto& cycle : find_cycle_anomalies(graph, {order_kinds, budget}).cycles) {
    found.push_back({cycle.type, cycle.txns.size()});
  }
  return found;
}

using Found = std::vector<std::pair<std::string, std::size_t>>;

TEST(CycleSearch, EachClassOnItsOwn) {
  EXPECT_EQ(classify(2, {{0, 1, kWw}, {1, 0, kWw}}), (Found{{"G0", 2}}));
  EXPECT_EQ(classify(2, {{0, 1, kWw}, {1, 0, kWr}}), (Found{{"G1c", 2}}));
  EXPECT_EQ(classify(3, {{0, 1, kWr}, {1, 2, kWw}, {2, 0, kRw}}), (Found{{"G-single", 3}}));
  EXPECT_EQ(classify(4, {{0, 1, kRw}, {1, 2, kWr}, {2, 3, kRw}, {3, 0, kWr}}),
            (Found{{"G-nonadjacent", 4}}));
  EXPECT_EQ(classify(2, {{0, 1, kRw}, {1, 0, kRw}}), (Found{{"G2-item", 2}}));
}

TEST(CycleSearch, ShortestCyclePerClass) {
  // A long G0 cycle 0..5 and a short one 6<->7 in the same component.
  std::vector<Edge> edges;
  for (std::uint32_t i = 0; i < 6; ++i) edges.push_back({i, (i + 1) % 6, kWw});
  edges.push_back({0, 6, kWw});
  edges.push_back({6, 7, kWw});
  edges.push_back({7, 6, kWw});
  edges.push_back({7, 0, kWw});
  EXPECT_EQ(classify(8, edges), (Found{{"G0", 2}}));
}

TEST(CycleSearch, OrderEdgesMakeVariantsOnlyWhenAsked) {
  const std::vector<Edge> edges = {{0, 1, kRw}, {1, 0, kRealtime}};
  EXPECT_TRUE(classify(2, edges).empty());
  EXPECT_EQ(classify(2, edges, kOrderKinds), (Found{{"G-single-realtime", 2}}));
  EXPECT_EQ(classify(2, {{0, 1, kWw}, {1, 0, kProcess}}, kOrderKinds), (Found{{"G0-process", 2}}));
  // A class with a cycle free of order edges is reported without a suffix.
  EXPECT_EQ(classify(3, {{0, 1, kWr}, {1, 0, kWr}, {1, 2, kWr}, {2, 0, kRealtime}}, kOrderKinds),
            (Found{{"G1c", 2}}));
}

TEST(CycleSearch, CyclesAreSimple) {
  // G-nonadjacent needs a detour; the only closed walks through node 1 twice are rejected.
  const auto found = classify(3, {{0, 1, kRw}, {1, 0, kRw}, {1, 2, kWw}, {2, 1, kRw}});
  for (const auto& [type, size] : found) EXPECT_NE(type, "G-nonadjacent");
}

TEST(CycleSearch, BudgetTruncates) {
  std::vector<Edge> edges;
  constexpr std::uint32_t kNodes = 2000;
  for (std::uint32_t i = 0; i < kNodes; ++i) edges.push_back({i, (i + 1) % kNodes, kRw});
  DependencyGraph graph(kNodes);
  for (const auto& e : edges) graph.add_dependency({e.from, e.to, 0, e.kind});
  graph.freeze();
  const auto result = find_cycle_anomalies(graph, {0, 100});
  EXPECT_TRUE(result.truncated);
  const auto full = find_cycle_anomalies(graph, {0, 100'000'000});
  EXPECT_FALSE(full.truncated);
  ASSERT_EQ(full.cycles.size(), 1u);
  EXPECT_EQ(full.cycles[0].type, "G2-item");
}

}  // namespace
}  // namespace simlab::txn

// Cycles through labelled edges: the graph search behind the causal
// checker's cyclic-cf.
#include "checkers/causal/labelled_cycles.h"

#include <gtest/gtest.h>

namespace simlab::causal {
namespace {

TEST(LabelledCycles, OneShortestCyclePerComponentThroughItsFirstLabelledEdge) {
  // 0 -> 1 -> 2 -> 0 with the labelled edge 1 -> 2 and a longer way back
  // 2 -> 3 -> 4 -> 0; 5 <-> 6 holds no label; 7 -> 8 is on no cycle.
  const std::vector<LabelledEdge> edges = {{0, 1}, {1, 2, 40}, {2, 0}, {2, 3},    {3, 4},
                                           {4, 0}, {5, 6},     {6, 5}, {7, 8, 41}};
  const auto cycles = cycles_through_labels(9, edges, 10);
  ASSERT_EQ(cycles.size(), 1u);
  ASSERT_EQ(cycles[0].size(), 3u);
  EXPECT_EQ(cycles[0][0].label, 40u);
  EXPECT_EQ(cycles[0][1].from, 2u);
  EXPECT_EQ(cycles[0][1].to, 0u);
  EXPECT_EQ(cycles[0][2].to, 1u);
}

TEST(LabelledCycles, AThreeHundredThousandNodeCycleNeedsNoRecursion) {
  constexpr std::size_t kNodes = 300'000;
  std::vector<LabelledEdge> edges;
  edges.reserve(kNodes);
  for (std::size_t node = 0; node + 1 < kNodes; ++node) edges.push_back({node, node + 1});
  edges.push_back({kNodes - 1, 0, 7});
  const auto cycles = cycles_through_labels(kNodes, edges, 10);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].size(), kNodes);
  EXPECT_EQ(cycles[0].front().label, 7u);
}

TEST(LabelledCycles, NoMoreCyclesThanAsked) {
  const std::vector<LabelledEdge> edges = {{0, 1, 1}, {1, 0}, {2, 3, 2}, {3, 2}, {4, 4, 3}};
  EXPECT_EQ(cycles_through_labels(5, edges, 10).size(), 3u);
  EXPECT_EQ(cycles_through_labels(5, edges, 2).size(), 2u);
}

}  // namespace
}  // namespace simlab::causal

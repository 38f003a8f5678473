// The reduced real-time order must have exactly the full order as its
// transitive closure, with far fewer than n^2 edges.
#include "checkers/txn/realtime_order.h"

#include <gtest/gtest.h>

#include <random>

#include "checkers/txn/strongly_connected.h"
#include "tests/txn/txn_history_support.h"

namespace simlab::txn {
namespace {

// Random overlapping intervals on `processes` processes; some never complete.
TxnHistory random_intervals(std::mt19937_64& random, int count, int processes) {
  testing::HistoryWriter w;
  std::vector<bool> busy(processes, false), crashed(processes, false);
  int started = 0;
  const auto live = [&] {
    return std::find(crashed.begin(), crashed.end(), false) != crashed.end();
  };
  while ((started < count && live()) || std::find(busy.begin(), busy.end(), true) != busy.end()) {
    const int p = static_cast<int>(random() % processes);
    if (busy[p]) {
      if (random() % 10 == 0) {
        w.info(p, {testing::append(p, started)});
        busy[p] = false;
        crashed[p] = true;  // an :info process never invokes again
        continue;
      }
      w.ok(p, {testing::append(p, started)});
      busy[p] = false;
    } else if (started < count && !crashed[p]) {
      w.invoke(p, {testing::append(p, started)});
      busy[p] = true;
      ++started;
    }
  }
  return testing::compile(w.history(), DataModel::list_append);
}

TEST(RealtimeOrder, ClosureOfReducedEdgesIsTheFullOrder) {
  std::mt19937_64 random(5);
  for (int round = 0; round < 30; ++round) {
    const TxnHistory history = random_intervals(random, 60, 1 + round % 7);
    const std::size_t n = history.txns.size();
    std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
    std::vector<std::uint32_t> members(n);
    for (std::uint32_t i = 0; i < n; ++i) members[i] = i;
    std::size_t edges = 0;
    for_each_realtime_edge(history, members, [&](std::uint32_t a, std::uint32_t b) {
      reach[a][b] = true;
      ++edges;
    });
    for (std::size_t k = 0; k < n; ++k) {  // Floyd-Warshall closure
      for (std::size_t i = 0; i < n; ++i) {
        if (!reach[i][k]) continue;
        for (std::size_t j = 0; j < n; ++j) reach[i][j] = reach[i][j] || reach[k][j];
      }
    }
    for (std::size_t a = 0; a < n; ++a) {
      for (std::size_t b = 0; b < n; ++b) {
        const bool before = history.txns[a].complete_position < history.txns[b].invoke_position;
        ASSERT_EQ(reach[a][b], before) << "round " << round << " T" << a + 1 << " T" << b + 1;
      }
    }
    EXPECT_LT(edges, n * 8) << "round " << round;
  }
}

TEST(RealtimeOrder, SerialHistoryIsAChainOfNMinusOneEdges) {
  testing::HistoryWriter w;
  for (int i = 0; i < 1000; ++i) w.txn(i % 3, {testing::append(1, i)});
  const auto history = testing::compile(w.history(), DataModel::list_append);
  DependencyGraph graph(static_cast<std::uint32_t>(history.txns.size()));
  add_realtime_edges(history, graph);
  add_process_edges(history, graph);
  graph.freeze();
  std::size_t realtime = 0, process = 0;
  for (std::uint32_t slot = 0; slot < graph.edge_count(); ++slot) {
    realtime += graph.kind(slot) == kRealtime;
    process += graph.kind(slot) == kProcess;
  }
  EXPECT_EQ(realtime, 999u);
  EXPECT_EQ(process, 997u);
}

TEST(RealtimeOrder, AbortedTransactionsAreNotNodes) {
  testing::HistoryWriter w;
  w.txn(1, {testing::append(1, 1)});
  w.invoke(2, {testing::append(1, 2)});
  w.fail(2, {testing::append(1, 2)});
  w.txn(3, {testing::append(1, 3)});
  const auto history = testing::compile(w.history(), DataModel::list_append);
  DependencyGraph graph(3);
  add_realtime_edges(history, graph);
  graph.freeze();
  ASSERT_EQ(graph.edge_count(), 1u);
  EXPECT_EQ(graph.source_of_slot(0), 0u);
  EXPECT_EQ(graph.target(0), 2u);
}

TEST(StronglyConnected, FindsComponentsUnderAMaskAndSurvivesDeepChains) {
  DependencyGraph graph(6);
  graph.add_dependency({0, 1, 0, kWw});
  graph.add_dependency({1, 0, 0, kRw});
  graph.add_dependency({2, 3, 0, kWr});
  graph.add_dependency({3, 4, 0, kWr});
  graph.add_order({4, 2, kRealtime});
  graph.freeze();
  const auto all = strongly_connected(graph, kAllKinds);
  EXPECT_EQ(all.nontrivial, (std::vector<std::vector<std::uint32_t>>{{0, 1}, {2, 3, 4}}));
  EXPECT_TRUE(strongly_connected(graph, kWw | kWr).nontrivial.empty());
  EXPECT_EQ(strongly_connected(graph, kDependencyKinds).nontrivial.size(), 1u);

  constexpr std::uint32_t kDeep = 300'000;  // recursion this deep would overflow the stack
  DependencyGraph chain(kDeep);
  for (std::uint32_t i = 0; i + 1 < kDeep; ++i) chain.add_dependency({i, i + 1, 0, kWw});
  chain.add_dependency({kDeep - 1, 0, 0, kWw});
  chain.freeze();
  const auto ring = strongly_connected(chain, kWw);
  ASSERT_EQ(ring.nontrivial.size(), 1u);
  EXPECT_EQ(ring.nontrivial[0].size(), kDeep);
}

}  // namespace
}  // namespace simlab::txn

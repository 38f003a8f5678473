// Serial (by construction) list-append histories must come out valid; each
// planted anomaly must be reported as exactly its class.
#include <gtest/gtest.h>

#include "checkers/txn/synthetic_history.h"
#include "tests/txn/txn_history_support.h"

namespace simlab::txn {
namespace {

using testing::anomaly_types;
using testing::append;
using testing::HistoryWriter;
using testing::read_list;
using Types = std::vector<std::string>;

constexpr std::int64_t kX = 1'000'001, kY = 1'000'002, kZ = 1'000'003, kW = 1'000'004;
constexpr std::int64_t kP1 = 900, kP2 = 901, kP3 = 902, kP4 = 903;

// A generated serializable history to bury the planted transactions in.
history::History background(std::uint64_t seed) {
  SyntheticOptions options;
  options.seed = seed;
  options.txn_count = 300;
  options.process_count = 6;
  options.active_keys = 5;
  options.max_appends_per_key = 8;
  return to_history(generate_list_append(options));
}

TEST(SerialHistories, AreValidUnderEveryModel) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto history = background(seed);
    for (auto model :
         {ConsistencyModel::strict_serializable, ConsistencyModel::snapshot_isolation}) {
      const auto result = testing::check(history, DataModel::list_append, model);
      EXPECT_EQ(result.verdict, Verdict::valid)
          << "seed " << seed << "\n"
          << explain_text(testing::compile(history, DataModel::list_append), result);
      EXPECT_TRUE(result.anomalies.empty());
    }
  }
}

TEST(PlantedAnomalies, WriteSkewIsG2Item) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    HistoryWriter w(background(seed));
    w.invoke(kP1, {read_list(kX, {}), read_list(kY, {}), append(kX, 1)});
    w.invoke(kP2, {read_list(kX, {}), read_list(kY, {}), append(kY, 1)});
    w.ok(kP1, {read_list(kX, {}), read_list(kY, {}), append(kX, 1)});
    w.ok(kP2, {read_list(kX, {}), read_list(kY, {}), append(kY, 1)});
    w.txn(kP3, {read_list(kX, {{1}}), read_list(kY, {{1}})});
    const auto result = testing::check(w.history(), DataModel::list_append);
    EXPECT_EQ(anomaly_types(result), Types{"G2-item"});
    EXPECT_EQ(result.verdict, Verdict::invalid);
    EXPECT_EQ(result.weakest_violated, std::vector{ConsistencyModel::repeatable_read});
    // Snapshot isolation allows write skew.
    EXPECT_EQ(
        testing::check(w.history(), DataModel::list_append, ConsistencyModel::snapshot_isolation)
            .verdict,
        Verdict::valid);
  }
}

TEST(PlantedAnomalies, CircularInformationFlowIsG1c) {
  HistoryWriter w(background(7));
  w.invoke(kP1, {append(kX, 1), read_list(kY, {{1}})});
  w.invoke(kP2, {append(kY, 1), read_list(kX, {{1}})});
  w.ok(kP1, {append(kX, 1), read_list(kY, {{1}})});
  w.ok(kP2, {append(kY, 1), read_list(kX, {{1}})});
  const auto result = testing::check(w.history(), DataModel::list_append);
  EXPECT_EQ(anomaly_types(result), Types{"G1c"});
  EXPECT_EQ(result.weakest_violated, std::vector{ConsistencyModel::read_committed});
}

TEST(PlantedAnomalies, AbortedReadIsG1a) {
  HistoryWriter w(background(8));
  w.invoke(kP1, {append(kX, 1)});
  w.fail(kP1, {append(kX, 1)});
  w.txn(kP2, {read_list(kX, {{1}})});
  const auto result = testing::check(w.history(), DataModel::list_append);
  EXPECT_EQ(anomaly_types(result), Types{"G1a"});
  EXPECT_EQ(result.weakest_violated, std::vector{ConsistencyModel::read_committed});
  ASSERT_EQ(result.anomalies.size(), 1u);
  EXPECT_NE(result.anomalies[0].detail.find("aborted"), std::string::npos);
}

TEST(PlantedAnomalies, LostUpdateIsReportedWithItsOwnCycleOnly) {
  HistoryWriter w(background(9));
  w.invoke(kP1, {read_list(kX, {}), append(kX, 1)});
  w.invoke(kP2, {read_list(kX, {}), append(kX, 2)});
  w.ok(kP1, {read_list(kX, {}), append(kX, 1)});
  w.ok(kP2, {read_list(kX, {}), append(kX, 2)});
  w.txn(kP3, {read_list(kX, {{1, 2}})});
  const auto result = testing::check(w.history(), DataModel::list_append);
  // With the order [1 2] known, the lost update is also the G-single cycle
  // T2 -rw-> T1 -ww-> T2; nothing else may be reported.
  EXPECT_EQ(anomaly_types(result), (Types{"G-single", "lost-update"}));
  for (const auto& anomaly : result.anomalies) EXPECT_EQ(anomaly.txns.size(), 2u);
  EXPECT_EQ(result.weakest_violated,
            (std::vector{ConsistencyModel::repeatable_read, ConsistencyModel::snapshot_isolation}));
}

TEST(PlantedAnomalies, WriteCycleIsG0) {
  HistoryWriter w(background(10));
  w.invoke(kP1, {append(kX, 1), append(kY, 2)});
  w.invoke(kP2, {append(kX, 2), append(kY, 1)});
  w.ok(kP1, {append(kX, 1), append(kY, 2)});
  w.ok(kP2, {append(kX, 2), append(kY, 1)});
  w.txn(kP3, {read_list(kX, {{1, 2}}), read_list(kY, {{1, 2}})});
  const auto result = testing::check(w.history(), DataModel::list_append);
  EXPECT_EQ(anomaly_types(result), Types{"G0"});
  EXPECT_EQ(result.weakest_violated, std::vector{ConsistencyModel::read_uncommitted});
}

TEST(PlantedAnomalies, ReadSkewIsGSingle) {
  HistoryWriter w(background(11));
  w.invoke(kP1, {read_list(kX, {}), read_list(kY, {{1}})});
  w.txn(kP2, {append(kX, 1), append(kY, 1)});
  w.ok(kP1, {read_list(kX, {}), read_list(kY, {{1}})});
  w.txn(kP3, {read_list(kX, {{1}})});
  const auto result = testing::check(w.history(), DataModel::list_append);
  EXPECT_EQ(anomaly_types(result), Types{"G-single"});
}

TEST(PlantedAnomalies, NonAdjacentAntiDependenciesAreGNonadjacent) {
  HistoryWriter w(background(12));
  const std::vector t1 = {read_list(kX, {}), read_list(kW, {{1}})};
  const std::vector t3 = {read_list(kY, {{1}}), read_list(kZ, {})};
  const std::vector t2 = {append(kX, 1), append(kY, 1)};
  const std::vector t4 = {append(kZ, 1), append(kW, 1)};
  // All four overlap, so real-time order adds nothing.
  w.invoke(kP1, t1);
  w.invoke(kP3, t3);
  w.invoke(kP2, t2);
  w.invoke(kP4, t4);
  w.ok(kP2, t2);
  w.ok(kP4, t4);
  w.ok(kP1, t1);
  w.ok(kP3, t3);
  w.txn(kP2, {read_list(kX, {{1}}), read_list(kZ, {{1}})});
  const auto result = testing::check(w.history(), DataModel::list_append);
  EXPECT_EQ(anomaly_types(result), Types{"G-nonadjacent"});
  EXPECT_EQ(
      testing::check(w.history(), DataModel::list_append, ConsistencyModel::snapshot_isolation)
          .verdict,
      Verdict::invalid);
}

TEST(PlantedAnomalies, IntermediateReadIsG1b) {
  HistoryWriter w(background(13));
  w.txn(kP1, {append(kX, 1), append(kX, 2)});
  w.txn(kP2, {read_list(kX, {{1}})});
  w.txn(kP3, {read_list(kX, {{1, 2}})});
  const auto result =
      testing::check(w.history(), DataModel::list_append, ConsistencyModel::read_committed);
  const auto types = anomaly_types(result);
  EXPECT_NE(std::find(types.begin(), types.end(), "G1b"), types.end());
  EXPECT_EQ(result.verdict, Verdict::invalid);
}

TEST(PlantedAnomalies, ReadingOwnLaterAppendIsInternal) {
  HistoryWriter w(background(15));
  w.txn(kP1, {read_list(kX, {{1}}), append(kX, 1)});
  const auto result = testing::check(w.history(), DataModel::list_append);
  EXPECT_EQ(anomaly_types(result), Types{"internal"});
  EXPECT_EQ(result.weakest_violated, std::vector{ConsistencyModel::read_uncommitted});
}

TEST(PlantedAnomalies, ReadNotMatchingOwnAppendsIsInternal) {
  HistoryWriter w(background(16));
  w.txn(kP1, {append(kX, 1), read_list(kX, {{2}})});
  w.txn(kP2, {append(kX, 2)});
  const auto result = testing::check(w.history(), DataModel::list_append);
  const auto types = anomaly_types(result);
  EXPECT_NE(std::find(types.begin(), types.end(), "internal"), types.end());
}

TEST(PlantedAnomalies, GarbageDuplicatesAndIncompatibleOrders) {
  HistoryWriter w(background(17));
  w.txn(kP1, {append(kX, 1), append(kX, 2), append(kY, 1)});
  w.txn(kP2, {read_list(kX, {{1, 2}}), read_list(kY, {{1, 1}})});
  w.txn(kP3, {read_list(kX, {{2, 1}})});
  w.txn(kP4, {read_list(kZ, {{9}})});
  const auto result = testing::check(w.history(), DataModel::list_append);
  const auto types = anomaly_types(result);
  for (const char* type : {"duplicate-elements", "incompatible-order", "garbage-read"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), type), types.end()) << type;
  }
  EXPECT_EQ(result.weakest_violated, std::vector{ConsistencyModel::read_uncommitted});
}

TEST(PlantedAnomalies, StaleReadAfterCommitIsGSingleRealtime) {
  HistoryWriter w(background(14));
  w.txn(kP1, {append(kX, 1)});
  w.txn(kP2, {read_list(kX, {})});
  w.txn(kP3, {read_list(kX, {{1}})});
  const auto strict = testing::check(w.history(), DataModel::list_append);
  EXPECT_EQ(anomaly_types(strict), Types{"G-single-realtime"});
  const auto serializable =
      testing::check(w.history(), DataModel::list_append, ConsistencyModel::serializable);
  EXPECT_EQ(serializable.verdict, Verdict::valid);
  EXPECT_TRUE(serializable.anomalies.empty());
}

}  // namespace
}  // namespace simlab::txn

// Explanations name each cycle's transactions and say why each edge exists.
#include <gtest/gtest.h>

#include "tests/txn/txn_history_support.h"

namespace simlab::txn {
namespace {

using testing::append;
using testing::HistoryWriter;
using testing::read_list;

TEST(Explanation, SaysWhyEachEdgeExists) {
  HistoryWriter v;
  v.txn(3, {append(8, 1)});                              // T1
  v.txn(2, {read_list(8, {}), append(7, 3)});            // T2: stale read of 8
  v.txn(1, {read_list(7, {{3}}), read_list(8, {{1}})});  // T3
  const auto txns = testing::compile(v.history(), DataModel::list_append);
  const auto result = check_transactions(txns, {});
  const std::string text = explain_text(txns, result);
  EXPECT_NE(text.find("G-single-realtime"), std::string::npos) << text;
  EXPECT_NE(text.find("T2 read key 8 empty, and T1 appended 1, its first element"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("T1 completed (index 1) before T2 began (index 2)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("not strict-serializable"), std::string::npos) << text;

  const auto json = explain_json(txns, result);
  EXPECT_EQ(json["valid"], "invalid");
  EXPECT_EQ(json["not"], nlohmann::json::array({"strict-serializable"}));
  const auto& cycle = json["anomalies"]["G-single-realtime"][0]["cycle"];
  ASSERT_EQ(cycle.size(), 2u);
  EXPECT_EQ(cycle[0]["kind"], "rw");
  EXPECT_EQ(cycle[1]["kind"], "realtime");
  EXPECT_EQ(json["anomalies"]["G-single-realtime"][0]["txns"][0]["ops"], "[[r 8 []] [append 7 3]]");
}

TEST(Explanation, WriteReadAndWriteWriteInWords) {
  HistoryWriter w;
  w.invoke(1, {append(7, 3), read_list(9, {{4}})});
  w.invoke(2, {append(7, 4), append(9, 4), read_list(7, {{3, 4}})});
  w.ok(1, {append(7, 3), read_list(9, {{4}})});
  w.ok(2, {append(7, 4), append(9, 4), read_list(7, {{3, 4}})});
  const auto txns = testing::compile(w.history(), DataModel::list_append);
  const auto result = check_transactions(txns, {});
  const std::string text = explain_text(txns, result);
  EXPECT_NE(text.find("G1c"), std::string::npos) << text;
  EXPECT_NE(text.find("T2 read T1's append of 3 to key 7"), std::string::npos) << text;
  EXPECT_NE(text.find("T1 read T2's append of 4 to key 9"), std::string::npos) << text;
}

TEST(Explanation, RegisterEdgesInWords) {
  HistoryWriter w;
  w.txn(1, {testing::write(1, 10)});
  w.txn(2, {testing::read_register(1, 10), testing::write(1, 11)});
  w.txn(3, {testing::read_register(1, 10)});
  const auto txns = testing::compile(w.history(), DataModel::rw_register);
  const auto result = check_transactions(txns, {});
  const std::string text = explain_text(txns, result);
  EXPECT_NE(text.find("T3 read key 1 = 10, and T2 wrote the next version, 11"), std::string::npos)
      << text;
  EXPECT_NE(text.find("T2 completed (index 3) before T3 began (index 4)"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace simlab::txn

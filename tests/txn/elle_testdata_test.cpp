// Elle's own reference histories (../shared/testdata/elle), read through the
// project's EDN reader, must get Elle's verdicts.
#include <gtest/gtest.h>

#include <ctime>

#include "checkers/history/history_format.h"
#include "tests/txn/txn_history_support.h"

namespace simlab::txn {
namespace {

using Types = std::vector<std::string>;

TxnHistory read_elle(const std::string& name) {
  const std::string path = "../shared/testdata/elle/" + name;
  // paper-example.edn has no :process and no :f, as Elle allows; the
  // reader takes such transactions as one sequential process.
  return testing::compile(history::read_history(history::read_file(path), history::Format::edn, path),
                          DataModel::list_append);
}

TxnCheckResult check_elle(const TxnHistory& txns, ConsistencyModel model) {
  TxnCheckOptions options;
  options.model = model;
  return check_transactions(txns, options);
}

bool has(const TxnCheckResult& result, const std::string& type) {
  const auto types = testing::anomaly_types(result);
  return std::find(types.begin(), types.end(), type) != types.end();
}

TEST(ElleTestdata, PaperExampleIsGSingleAndNotSerializable) {
  const auto txns = read_elle("paper-example.edn");
  ASSERT_EQ(txns.txns.size(), 4u);
  const auto result = check_elle(txns, ConsistencyModel::serializable);
  EXPECT_EQ(result.verdict, Verdict::invalid);
  EXPECT_EQ(testing::anomaly_types(result), Types{"G-single"});
  const std::string text = explain_text(txns, result);
  EXPECT_NE(text.find("rw"), std::string::npos) << text;
}

TEST(ElleTestdata, SiWithoutGSingleIsWriteSkewOnly) {
  const auto txns = read_elle("si-without-g-single.edn");
  const auto serializable = check_elle(txns, ConsistencyModel::serializable);
  EXPECT_EQ(serializable.verdict, Verdict::invalid);
  EXPECT_EQ(testing::anomaly_types(serializable), Types{"G2-item"});
  EXPECT_EQ(serializable.weakest_violated, std::vector{ConsistencyModel::repeatable_read});
  const auto si = check_elle(txns, ConsistencyModel::snapshot_isolation);
  EXPECT_EQ(si.verdict, Verdict::valid);
}

TEST(ElleTestdata, HugeSccIsG2ItemRealtimeAndQuick) {
  // CPU time, not wall time: the test machine is shared.
  const std::clock_t began = std::clock();
  const auto txns = read_elle("huge-scc.edn");
  const auto result = check_elle(txns, ConsistencyModel::strict_serializable);
  const double elapsed_s = static_cast<double>(std::clock() - began) / CLOCKS_PER_SEC;
  EXPECT_EQ(result.verdict, Verdict::invalid);
  EXPECT_TRUE(has(result, "G2-item-realtime")) << explain_text(txns, result);
  EXPECT_FALSE(result.cycle_search_truncated);
  EXPECT_LT(elapsed_s, 5.0);
  // Without real time the history is serializable.
  EXPECT_EQ(check_elle(txns, ConsistencyModel::serializable).verdict, Verdict::valid);
}

}  // namespace
}  // namespace simlab::txn

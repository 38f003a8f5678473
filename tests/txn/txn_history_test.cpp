// compile_history: pairing, statuses, micro-op forms, and the errors a user
// sees for malformed transactions.
#include <gtest/gtest.h>

#include "checkers/txn/synthetic_history.h"
#include "tests/txn/txn_history_support.h"

namespace simlab::txn {
namespace {

using history::Value;
using testing::HistoryWriter;

TEST(CompileHistory, PairsByProcessAndKeepsStatuses) {
  HistoryWriter w;
  w.invoke(1, {testing::append(5, 1), testing::read_list(5, std::nullopt)});
  w.invoke(2, {testing::append(5, 2)});
  w.ok(1, {testing::append(5, 1), testing::read_list(5, {{1}})});
  w.fail(2, {testing::append(5, 2)});
  w.invoke(3, {testing::read_list(5, std::nullopt)});
  w.info(3, {testing::read_list(5, std::nullopt)});
  w.invoke(4, {testing::append(6, 1)});  // never completes
  const auto txns = testing::compile(w.history(), DataModel::list_append);
  ASSERT_EQ(txns.txns.size(), 4u);
  EXPECT_EQ(txns.txns[0].status, TxnStatus::committed);
  EXPECT_EQ(txns.txns[0].complete_index, 2);
  EXPECT_EQ(txns.txns[1].status, TxnStatus::aborted);
  EXPECT_EQ(txns.txns[2].status, TxnStatus::unknown);
  EXPECT_EQ(txns.txns[3].status, TxnStatus::unknown);
  EXPECT_EQ(txns.txns[3].complete_position, kNoPosition);
  const auto ops = txns.ops_of(0);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_TRUE(ops[1].result_known);
  EXPECT_EQ(
      std::vector<std::int64_t>(txns.elements_of(ops[1]).begin(), txns.elements_of(ops[1]).end()),
      std::vector<std::int64_t>{1});
  EXPECT_FALSE(txns.ops_of(2)[0].result_known);  // an :info read returned nothing we know
  EXPECT_EQ(txns.key_names, (std::vector<std::string>{"5", "6"}));
}

TEST(CompileHistory, AcceptsKeywordNamesStringKeysAndIgnoresOtherFunctions) {
  HistoryWriter w;
  w.txn(1, {Value::list({Value::string(":append"), Value::string("x"), Value::integer(1)})});
  history::Op nemesis;
  nemesis.index = 2;
  nemesis.f = "start-partition";
  nemesis.value = Value::list({});
  auto ops = w.history();
  ops.push_back(nemesis);
  const auto txns = testing::compile(ops, DataModel::list_append);
  ASSERT_EQ(txns.txns.size(), 1u);
  EXPECT_EQ(txns.key_names, std::vector<std::string>{"\"x\""});
}

std::optional<TxnInputError> error_of(const Value& micro_op, DataModel model) {
  HistoryWriter w;
  w.txn(1, {micro_op});
  return compile_history(w.history(), model).error;
}

TEST(CompileHistory, SaysWhatWasExpected) {
  const auto s = [](const char* text) { return Value::string(text); };
  const auto i = [](std::int64_t n) { return Value::integer(n); };
  EXPECT_EQ(error_of(Value::list({s("append"), i(1)}), DataModel::list_append)->what,
            "expected a micro-op [f key value] of three elements");
  EXPECT_EQ(error_of(Value::list({s("w"), i(1), i(2)}), DataModel::list_append)->what,
            "expected a micro-op named append or r");
  EXPECT_EQ(error_of(Value::list({s("append"), i(1), s("x")}), DataModel::list_append)->what,
            "expected an integer value to append");
  EXPECT_EQ(error_of(Value::list({s("r"), i(1), i(3)}), DataModel::list_append)->what,
            "expected a list or nil as a read's result");
  EXPECT_EQ(error_of(Value::list({s("r"), i(1), Value::list({})}), DataModel::rw_register)->what,
            "expected an integer or nil read result");
  EXPECT_EQ(error_of(Value::list({s("w"), Value(), i(1)}), DataModel::rw_register)->what,
            "expected an integer or string key in a micro-op");
  const auto error = error_of(Value::list({s("append"), i(1)}), DataModel::list_append);
  EXPECT_EQ(error->op_index, 1);  // the :ok op, whose value is read
}

TEST(CompileHistory, SyntheticHistoriesRoundTripThroughOps) {
  SyntheticOptions options;
  options.txn_count = 200;
  options.process_count = 5;
  options.active_keys = 4;
  options.effect_at_invoke_fraction = 0.3;
  for (const auto& generated : {generate_list_append(options), generate_rw_register(options)}) {
    const auto ops = to_history(generated);
    EXPECT_EQ(ops.size(), 400u);
    const auto back = testing::compile(ops, generated.model);
    ASSERT_EQ(back.txns.size(), generated.txns.size());
    for (std::uint32_t t = 0; t < back.txns.size(); ++t) {
      EXPECT_EQ(txn_text(back, t), txn_text(generated, t));
    }
  }
}

}  // namespace
}  // namespace simlab::txn

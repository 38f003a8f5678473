// The g-counter and pn-counter checkers on hand-made histories in
// Maelstrom's shape (:final? reads) and JSONL, and the reachable sums they
// judge final reads against.
#include "checkers/counter/counter_checker.h"

#include <gtest/gtest.h>

#include <string>

#include "checkers/counter/counter_explanation.h"
#include "checkers/counter/reachable_sums.h"
#include "checkers/history/history_format.h"

namespace simlab::counter {
namespace {

CounterResult check_edn(const std::string& text, CounterKind kind = CounterKind::g_counter) {
  return check_counter(history::read_history(text, history::Format::edn, "test.edn"), kind);
}

std::size_t count(const CounterResult& result, const std::string& name) {
  const auto found = result.counts.find(name);
  return found == result.counts.end() ? 0 : found->second;
}

using Intervals = std::vector<std::pair<std::int64_t, std::int64_t>>;

TEST(ReachableSums, HoldsEveryKnownSumPlusAnySubsetOfTheOptionalDeltas) {
  ReachableSums sums(3);
  sums.add_optional(5);
  sums.add_optional(10);
  EXPECT_EQ(sums.intervals(), (Intervals{{3, 3}, {8, 8}, {13, 13}, {18, 18}}));
  EXPECT_TRUE(sums.contains(13));
  EXPECT_FALSE(sums.contains(9));
  sums.add_optional(-1);  // neighbours join: [2, 3] [7, 8] ...
  EXPECT_EQ(sums.intervals(), (Intervals{{2, 3}, {7, 8}, {12, 13}, {17, 18}}));
  EXPECT_FALSE(sums.widened());
}

TEST(ReachableSums, WidensToItsBoundsRatherThanGrowWithoutLimit) {
  ReachableSums sums(0);
  std::int64_t delta = 2;
  for (int i = 0; i < 13; ++i, delta *= 3)
    sums.add_optional(delta);  // 2^13 even sums, none adjacent
  EXPECT_TRUE(sums.widened());
  EXPECT_LE(sums.intervals().size(), ReachableSums::kIntervalsMax);
  EXPECT_TRUE(sums.contains(1));  // odd, so no sum at all: the widening accepts it
  EXPECT_FALSE(sums.contains(-1));
}

TEST(CounterChecker, FinalReadsOfTheAcknowledgedSumAreValid) {
  const CounterResult result = check_edn(R"(
{:process 0 :type :invoke :f :add :value 1}
{:process 0 :type :ok :f :add :value 1}
{:process 1 :type :invoke :f :add :value 2}
{:process 1 :type :ok :f :add :value 2}
{:process 0 :type :invoke :f :read :final? true}
{:process 0 :type :ok :f :read :value 3 :final? true}
)");
  EXPECT_EQ(result.verdict, Verdict::valid) << explain_text(result, CounterKind::g_counter);
  EXPECT_EQ(result.adds, 2u);
  EXPECT_EQ(result.final_reads, 1u);
}

TEST(CounterChecker, AFinalReadMustHoldEveryAcknowledgedAddAndMayHoldAnyUnknownOne) {
  const std::string prefix = R"(
{:process 0 :type :invoke :f :add :value 3}
{:process 0 :type :ok :f :add :value 3}
{:process 1 :type :invoke :f :add :value 5}
{:process 1 :type :info :f :add :value 5}
{:process 2 :type :invoke :f :add :value 9}
{:process 2 :type :fail :f :add :value 9}
{:process 3 :type :invoke :f :read :final? true}
)";
  for (const int value : {3, 8}) {
    const auto result = check_edn(prefix + "{:process 3 :type :ok :f :read :final? true :value " +
                                  std::to_string(value) + "}");
    EXPECT_EQ(result.verdict, Verdict::valid)
        << value << ": " << explain_text(result, CounterKind::g_counter);
  }
  for (const int value : {4, 12}) {  // between the two sums; with the failed add
    const auto result = check_edn(prefix + "{:process 3 :type :ok :f :read :final? true :value " +
                                  std::to_string(value) + "}");
    EXPECT_EQ(result.verdict, Verdict::invalid) << value;
    ASSERT_EQ(count(result, "wrong-final-read"), 1u) << value;
    EXPECT_EQ(result.anomalies.back().name, "wrong-final-read");  // 12 is an impossible-read first
    EXPECT_EQ(result.anomalies.back().acceptable, (Intervals{{3, 3}, {8, 8}}));
  }
}

TEST(CounterChecker, AReadAboveWhatTheAddsInvokedByThenCanSumToIsImpossible) {
  const CounterResult result = check_edn(R"(
{:process 0 :type :invoke :f :add :value 2}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value 3}
{:process 0 :type :ok :f :add :value 2}
{:process 2 :type :invoke :f :add :value 1}
{:process 2 :type :ok :f :add :value 1}
)");
  EXPECT_EQ(result.verdict, Verdict::invalid);
  ASSERT_EQ(count(result, "impossible-read"), 1u);
  EXPECT_EQ(result.anomalies.at(0).acceptable, (Intervals{{0, 2}}));
  EXPECT_EQ(result.anomalies.at(0).read, 2);
  EXPECT_NE(explain_text(result, CounterKind::g_counter).find("no read is marked final"),
            std::string::npos);
}

TEST(CounterChecker, AReadThatLeavesOutItsOwnAcknowledgedAddMissesIt) {
  const std::string history = R"(
{:process 0 :type :invoke :f :add :value 4}
{:process 0 :type :ok :f :add :value 4}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value 0}
{:process 0 :type :invoke :f :read}
{:process 0 :type :ok :f :read :value 0}
)";
  const CounterResult result = check_edn(history);
  ASSERT_EQ(result.anomalies.size(), 1u) << explain_text(result, CounterKind::g_counter);
  EXPECT_EQ(result.anomalies[0].name,
            "missing-own-add");  // process 1 never wrote: its stale read is allowed
  EXPECT_EQ(result.anomalies[0].process, 0);
  EXPECT_EQ(result.anomalies[0].acceptable, (Intervals{{4, 4}}));
}

TEST(CounterChecker, APnCounterBoundsReadsOnBothSides) {
  const std::string prefix = R"(
{:process 0 :type :invoke :f :add :value -3}
{:process 1 :type :invoke :f :add :value 2}
{:process 2 :type :invoke :f :read}
)";
  const auto valid =
      check_edn(prefix + "{:process 2 :type :ok :f :read :value -3}", CounterKind::pn_counter);
  EXPECT_EQ(valid.verdict, Verdict::valid) << explain_text(valid, CounterKind::pn_counter);
  const auto low =
      check_edn(prefix + "{:process 2 :type :ok :f :read :value -4}", CounterKind::pn_counter);
  EXPECT_EQ(count(low, "impossible-read"), 1u);
  EXPECT_EQ(low.anomalies.at(0).acceptable, (Intervals{{-3, 2}}));
}

TEST(CounterChecker, AGCounterRefusesANegativeDeltaAndNamesTheLine) {
  try {
    check_edn(
        "{:process 0 :type :invoke :f :add :value 1}\n{:process 0 :type :ok :f :add :value 1}\n"
        "{:process 0 :type :invoke :f :add :value -1}\n");
    FAIL() << "expected an OpError";
  } catch (const history::OpError& error) {
    EXPECT_EQ(error.line(), 3);
    EXPECT_NE(std::string(error.what()).find("--model pn-counter"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(check_edn("{:process 0 :type :invoke :f :cas :value [1 2]}\n"), history::OpError);
}

TEST(CounterChecker, ACompletionBelongsToItsInvocationsKey) {
  const auto ops =
      history::read_history(R"({"process":0,"type":"invoke","f":"add","key":"a","value":5}
{"process":0,"type":"ok","f":"add","value":5}
{"process":1,"type":"invoke","f":"read","key":"b","final":true}
{"process":1,"type":"ok","f":"read","value":0}
{"process":1,"type":"invoke","f":"read","key":"a","final":true}
{"process":1,"type":"ok","f":"read","value":5}
)",
                            history::Format::jsonl, "test.jsonl");
  const CounterResult result = check_counter(ops, CounterKind::g_counter);
  EXPECT_EQ(result.verdict, Verdict::valid) << explain_text(result, CounterKind::g_counter);
  EXPECT_EQ(result.keys, 2u);
  EXPECT_EQ(result.final_reads, 2u);
  const auto json = explain_json(result, CounterKind::g_counter);
  EXPECT_EQ(json["checker"], "g-counter");
  EXPECT_EQ(json["final-read-count"], 2);
}

}  // namespace
}  // namespace simlab::counter

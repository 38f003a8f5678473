// The convergence checker: final reads of a key must agree (sets in any
// order), others judge nothing, and a divergence names the key, the
// replicas (Op::node) and what each lacks or holds besides.
#include <gtest/gtest.h>

#include <string>

#include "checkers/convergence/convergence.h"
#include "checkers/history/history_format.h"

namespace simlab::convergence {
namespace {

ConvergenceResult check(const std::string& text, history::Format format) {
  return check_convergence(history::read_history(text, format, "test"));
}

TEST(ConvergenceChecker, FinalReadsThatAgreeAsSetsConverge) {
  const ConvergenceResult result = check(R"(
{:process 0 :type :invoke :f :read :key "a" :final? true :node "n1"}
{:process 0 :type :ok :f :read :key "a" :value #{1 2 3} :final? true}
{:process 1 :type :invoke :f :read :key "a" :final? true :node "n2"}
{:process 1 :type :ok :f :read :key "a" :value #{3 2 1} :final? true}
{:process 2 :type :invoke :f :read :key "a"}
{:process 2 :type :ok :f :read :key "a" :value #{1}}
{:process 3 :type :invoke :f :read :key "a" :final? true}
{:process 3 :type :info :f :read :key "a" :final? true}
)",
                                         history::Format::edn);
  EXPECT_EQ(result.verdict, Verdict::valid) << explain_text(result);
  EXPECT_EQ(result.keys, 1u);
  EXPECT_EQ(result.final_reads, 2u);  // not the lagging ordinary read, not the info one
  EXPECT_EQ(result.diverged, 0u);
}

TEST(ConvergenceChecker, FinalReadsThatDifferNameTheKeyTheReplicasAndTheDifference) {
  const std::string jsonl =
      R"({"index":0,"time":0,"process":0,"type":"invoke","f":"read","key":"k","value":null,"final":true,"node":"n1"}
{"index":1,"time":1,"process":0,"type":"ok","f":"read","key":"k","value":[1,2],"final":true,"node":"n1"}
{"index":2,"time":2,"process":0,"type":"invoke","f":"read","key":"k","value":null,"final":true,"node":"n2"}
{"index":3,"time":3,"process":0,"type":"ok","f":"read","key":"k","value":[2,3],"final":true,"node":"n2"}
{"index":4,"time":4,"process":0,"type":"invoke","f":"read","key":"k","value":null,"final":true,"node":"n3"}
{"index":5,"time":5,"process":0,"type":"ok","f":"read","key":"k","value":[2,1],"final":true,"node":"n3"}
{"index":6,"time":6,"process":0,"type":"invoke","f":"read","key":"c","value":null,"final":true}
{"index":7,"time":7,"process":0,"type":"ok","f":"read","key":"c","value":4,"final":true}
)";
  const ConvergenceResult result = check(jsonl, history::Format::jsonl);
  EXPECT_EQ(result.verdict, Verdict::invalid);
  EXPECT_EQ(result.keys, 2u);
  EXPECT_EQ(result.diverged, 1u);
  ASSERT_EQ(result.examples.size(), 1u);
  const Divergence& divergence = result.examples[0];
  ASSERT_EQ(divergence.reads.size(), 2u);
  EXPECT_EQ(divergence.reads[0].node, "n1");
  EXPECT_EQ(divergence.reads[1].node, "n2");
  EXPECT_EQ(divergence.holding, (std::vector<std::size_t>{2, 1}));  // n3 agrees with n1
  EXPECT_EQ(describe_divergence(divergence),
            "key \"k\": final reads differ: n1 read 2 elements (op 1, as did 1 more); n2 read 2 "
            "elements, lacking {1}, with {3} besides (op 3)");
  EXPECT_EQ(explain_json(result)["diverged-count"], 1);
}

TEST(ConvergenceChecker, AHistoryWithoutFinalReadsIsUnknownAndANonStringNodeIsRefused) {
  EXPECT_EQ(check(R"({:process 0 :type :invoke :f :read}
{:process 0 :type :ok :f :read :value 3}
)",
                  history::Format::edn)
                .verdict,
            Verdict::unknown);
  EXPECT_THROW(check(R"({:process 0 :type :invoke :f :read :node 3}
)",
                     history::Format::edn),
               std::exception);
}

}  // namespace
}  // namespace simlab::convergence

// The Kafka-style queue checker on hand-made histories, one per anomaly, in
// Jepsen's kafka EDN shape and in JSONL.
#include "checkers/queue/queue_checker.h"

#include <gtest/gtest.h>

#include <string>

#include "checkers/history/history_format.h"
#include "checkers/queue/queue_explanation.h"
#include "checkers/queue/queue_history.h"

namespace simlab::queue {
namespace {

QueueCheckResult check_edn(const std::string& text) {
  const auto ops = history::read_history(text, history::Format::edn, "test.edn");
  const CompiledQueue compiled = compile_queue_history(ops);
  EXPECT_FALSE(compiled.error.has_value()) << compiled.error->what;
  return check_queue(compiled.history);
}

std::size_t count(const QueueCheckResult& result, const std::string& name) {
  const auto it = result.counts.find(name);
  return it == result.counts.end() ? 0 : it->second;
}

// Two producers and a consumer that reads all of it, in order.
constexpr const char* kValid = R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]]]}
{:process 1 :type :invoke :f :send :value [[:send 1 11]]}
{:process 1 :type :ok :f :send :value [[:send 1 [1 11]]]}
{:process 2 :type :invoke :f :assign :value [1]}
{:process 2 :type :ok :f :assign :value [1]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[0 10]]}]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[1 11]]}]]}
)";

TEST(QueueChecker, AHistoryThatReadsEverySendInOrderIsValid) {
  const QueueCheckResult result = check_edn(kValid);
  EXPECT_TRUE(result.valid) << explain_text(result);
  EXPECT_EQ(result.acknowledged_sends, 2u);
  EXPECT_EQ(result.polled_records, 2u);
  EXPECT_EQ(result.unseen, 0u);
}

TEST(QueueChecker, AnAcknowledgedSendNoPollSawBelowPolledOffsetsIsLost) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send :k 10] [:send :k 11] [:send :k 12]]}
{:process 0 :type :ok :f :send :value [[:send :k [0 10]] [:send :k [1 11]] [:send :k [2 12]]]}
{:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :ok :f :poll :value [[:poll {:k [[0 10]]}]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {:k [[2 12]]}]]}
)");
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(count(result, "lost-write"), 1u) << explain_text(result);
  ASSERT_FALSE(result.anomalies.empty());
  EXPECT_EQ(result.anomalies[0].values, std::vector<std::string>{"11"});
  EXPECT_EQ(result.anomalies[0].offsets, std::vector<std::int64_t>{1});
  EXPECT_EQ(result.anomalies[0].key, "\"k\"");
  // The send, and the first poll that read past it (where the loss shows).
  EXPECT_EQ(result.anomalies[0].ops, (std::vector<std::int64_t>{0, 4}));
  EXPECT_EQ(result.counts.size(), 1u) << "no other anomaly: " << explain_text(result);
}

// A pipelined send whose other values' fates are unknown completes :info
// with the offsets the broker did acknowledge: those are acknowledged sends,
// and the others are not.
TEST(QueueChecker, AnIndeterminateSendsAcknowledgedOffsetsAreAcknowledgedSends) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send :k 10] [:send :k 11]]}
{:process 0 :type :info :f :send :value [[:send :k [0 10]] [:send :k 11]]}
{:process 1 :type :invoke :f :send :value [[:send :k 12]]}
{:process 1 :type :ok :f :send :value [[:send :k [1 12]]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {:k [[1 12]]}]]}
)");
  EXPECT_EQ(result.acknowledged_sends, 2u);
  EXPECT_EQ(count(result, "lost-write"), 1u) << explain_text(result);
  ASSERT_FALSE(result.anomalies.empty());
  EXPECT_EQ(result.anomalies[0].values, std::vector<std::string>{"10"});
  EXPECT_EQ(result.counts.size(), 1u) << "11 may never have been written: " << explain_text(result);
}

TEST(QueueChecker, ASendAboveEveryPolledOffsetIsUnseenNotLost) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 1 11]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 1 [1 11]]]}
{:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :ok :f :poll :value [[:poll {1 [[0 10]]}]]}
)");
  EXPECT_TRUE(result.valid) << explain_text(result);
  EXPECT_EQ(result.unseen, 1u);
}

// The final drain (f final-poll) reads each of its keys from offset 0 to the
// end after the heal: a send acknowledged before it began that it did not
// see is lost, even above every offset the polls read.
TEST(QueueChecker, ASendAcknowledgedBeforeTheFinalDrainThatItNeverSawIsLost) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 1 11]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 1 [1 11]]]}
{:process 1000 :type :invoke :f :final-poll :value [[:poll]]}
{:process 1000 :type :ok :f :final-poll :value [[:poll {1 [[0 10]]}]]}
)");
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(count(result, "lost-write"), 1u) << explain_text(result);
  ASSERT_FALSE(result.anomalies.empty());
  const Anomaly& lost = result.anomalies[0];
  EXPECT_EQ(lost.values, std::vector<std::string>{"11"});
  EXPECT_EQ(lost.offsets, std::vector<std::int64_t>{1});
  EXPECT_EQ(lost.ops, (std::vector<std::int64_t>{0, 2})) << "the send and the drain";
  EXPECT_NE(lost.detail.find("final drain"), std::string::npos) << lost.detail;
  EXPECT_EQ(result.unseen, 0u);
  EXPECT_EQ(result.counts.size(), 1u) << "no other anomaly: " << explain_text(result);
}

TEST(QueueChecker, ADrainThatReadsAnEmptyKeyLosesEverySendAcknowledgedBeforeIt) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send :a 10]]}
{:process 0 :type :ok :f :send :value [[:send :a [0 10]]]}
{:process 7 :type :invoke :f :final-poll :value [[:poll]]}
{:process 7 :type :ok :f :final-poll :value [[:poll {:a []}]]}
)");
  EXPECT_EQ(count(result, "lost-write"), 1u) << explain_text(result);
}

// Only what the drain was bound to see: a send acknowledged once the drain
// had begun may land past the end it read; a key no ok final-poll read
// (its drain failed) says nothing.
TEST(QueueChecker, SendsTheDrainWasNotBoundToSeeAreUnseenNotLost) {
  const QueueCheckResult late = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 1000 :type :invoke :f :final-poll :value [[:poll]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]]]}
{:process 1000 :type :ok :f :final-poll :value [[:poll {1 []}]]}
)");
  EXPECT_TRUE(late.valid) << explain_text(late);
  EXPECT_EQ(late.unseen, 1u);
  const QueueCheckResult undrained = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 2 20]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 2 [0 20]]]}
{:process 1000 :type :invoke :f :final-poll :value [[:poll]]}
{:process 1000 :type :ok :f :final-poll :value [[:poll {1 [[0 10]]}]]}
{:process 1001 :type :invoke :f :final-poll :value [[:poll]]}
{:process 1001 :type :fail :f :final-poll :value [[:poll]]}
)");
  EXPECT_TRUE(undrained.valid) << explain_text(undrained);
  EXPECT_EQ(undrained.unseen, 1u);
}

TEST(QueueChecker, AFinalPollIsAPollInEveryRule) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]]]}
{:process 0 :type :invoke :f :send :value [[:send 1 12]]}
{:process 0 :type :fail :f :send :value [[:send 1 12]]}
{:process 1000 :type :invoke :f :final-poll :value [[:poll]]}
{:process 1000 :type :ok :f :final-poll :value [[:poll {1 [[0 10] [1 12] [1 12]]}]]}
)");
  EXPECT_EQ(count(result, "G1a"), 2u) << explain_text(result);
  EXPECT_EQ(count(result, "nonmonotonic-poll"), 1u) << explain_text(result);
  EXPECT_EQ(count(result, "duplicate"), 0u) << "one value at one offset, read twice";
  EXPECT_EQ(count(result, "lost-write"), 0u) << "the drain saw 10";
  EXPECT_EQ(result.polled_records, 3u);
}

TEST(QueueChecker, OneValueAtTwoOffsetsIsADuplicate) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]]]}
{:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :ok :f :poll :value [[:poll {1 [[0 10] [1 10]]}]]}
)");
  EXPECT_EQ(count(result, "duplicate"), 1u) << explain_text(result);
  EXPECT_EQ(result.anomalies.at(0).offsets, (std::vector<std::int64_t>{0, 1}));
}

TEST(QueueChecker, TwoValuesAtOneOffsetAreInconsistentOffsets) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]]]}
{:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :ok :f :poll :value [[:poll {1 [[0 20]]}]]}
)");
  EXPECT_EQ(count(result, "inconsistent-offsets"), 1u) << explain_text(result);
  EXPECT_EQ(result.anomalies.at(0).values, (std::vector<std::string>{"10", "20"}));
  EXPECT_EQ(result.anomalies.at(0).ops, (std::vector<std::int64_t>{0, 2}));
}

TEST(QueueChecker, ReadingAFailedSendIsAnAbortedRead) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :txn :value [[:send 1 10]]}
{:process 0 :type :fail :f :txn :value [[:send 1 10]]}
{:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :ok :f :poll :value [[:poll {1 [[0 10]]}]]}
)");
  EXPECT_EQ(count(result, "G1a"), 1u) << explain_text(result);
}

TEST(QueueChecker, ASendsOffsetsMustRiseWithinAProcess) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 0 :type :ok :f :send :value [[:send 1 [5 10]]]}
{:process 0 :type :invoke :f :send :value [[:send 1 11]]}
{:process 0 :type :ok :f :send :value [[:send 1 [3 11]]]}
)");
  EXPECT_EQ(count(result, "nonmonotonic-send"), 1u) << explain_text(result);
}

// The same two polls, in the wrong order: an anomaly, unless the consumer
// was assigned again between them.
TEST(QueueChecker, APollThatGoesBackIsNonmonotonicUnlessReassigned) {
  const std::string sends = R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 1 11]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 1 [1 11]]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[1 11]]}]]}
)";
  const std::string again = R"(
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[0 10]]}]]}
)";
  const std::string assign = R"(
{:process 2 :type :invoke :f :assign :value [1]}
{:process 2 :type :ok :f :assign :value [1]}
)";
  EXPECT_EQ(count(check_edn(sends + again), "nonmonotonic-poll"), 1u);
  EXPECT_TRUE(check_edn(sends + assign + again).valid);
}

TEST(QueueChecker, APollThatJumpsOverOffsetsTheLogHoldsIsASkip) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 1 11] [:send 1 12]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 1 [1 11]] [:send 1 [2 12]]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[0 10]]}]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[2 12]]}]]}
{:process 3 :type :invoke :f :poll :value [[:poll]]}
{:process 3 :type :ok :f :poll :value [[:poll {1 [[1 11]]}]]}
)");
  EXPECT_EQ(count(result, "poll-skip"), 1u) << explain_text(result);
  EXPECT_EQ(result.counts.size(), 1u) << explain_text(result);
}

// Three records on key 1, and a consumer group of processes 2 and 3.
constexpr const char* kGroupSends = R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 1 11] [:send 1 12]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 1 [1 11]] [:send 1 [2 12]]]}
{:process 2 :type :invoke :f :subscribe :value [1]}
{:process 2 :type :ok :f :subscribe :value [1]}
{:process 3 :type :invoke :f :subscribe :value [1]}
{:process 3 :type :ok :f :subscribe :value [1]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[0 10]]}]]}
)";

// Process 2 crashed after committing past offset 1 without handling it;
// process 3 took the partition from the committed offset. A reader outside
// the group (process 4) saw offset 1, so no write is lost: the group's
// delivery is what broke.
TEST(QueueChecker, OffsetsNoGroupMemberPolledBelowTheGroupsHighestAreAGroupSkip) {
  const QueueCheckResult result = check_edn(std::string(kGroupSends) + R"(
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :info :f :poll :value [[:poll]]}
{:process 3 :type :invoke :f :poll :value [[:poll]]}
{:process 3 :type :ok :f :poll :value [[:poll {1 [[2 12]]}]]}
{:process 4 :type :invoke :f :assign :value [1]}
{:process 4 :type :ok :f :assign :value [1]}
{:process 4 :type :invoke :f :poll :value [[:poll]]}
{:process 4 :type :ok :f :poll :value [[:poll {1 [[0 10] [1 11] [2 12]]}]]}
)");
  EXPECT_EQ(count(result, "group-skip"), 1u) << explain_text(result);
  EXPECT_EQ(result.counts.size(), 1u) << explain_text(result);
  ASSERT_FALSE(result.anomalies.empty());
  EXPECT_EQ(result.anomalies[0].offsets, std::vector<std::int64_t>{1});
  EXPECT_EQ(result.anomalies[0].values, std::vector<std::string>{"11"});
}

// A rebalance moved key 1 from process 2 to 3 and back: process 2's own
// polls jump from 0 to 2, and process 3 read 1 again (at-least-once), which
// is no anomaly for a group; the same polls by an assigned consumer are a
// poll-skip.
TEST(QueueChecker, AGroupMembersPollsMayJumpAndRepeatWhenTheGroupMissesNothing) {
  const std::string moved = R"(
{:process 3 :type :invoke :f :poll :value [[:poll]]}
{:process 3 :type :ok :f :poll :value [[:poll {1 [[0 10] [1 11]]}]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[2 12]]}]]}
)";
  const QueueCheckResult grouped = check_edn(std::string(kGroupSends) + moved);
  EXPECT_TRUE(grouped.valid) << explain_text(grouped);
  std::string assigned = std::string(kGroupSends) + moved;
  for (std::size_t at = assigned.find(":subscribe"); at != std::string::npos;
       at = assigned.find(":subscribe"))
    assigned.replace(at, 10, ":assign");
  EXPECT_EQ(count(check_edn(assigned), "poll-skip"), 1u);
}

// Consume-transform-produce: group member 2 handled offset 1 in a
// transaction, which commits the group's offset with it. Committed, or in
// doubt (its poll map given), the transaction's poll is the group's read;
// failed (aborted), it handled nothing, and member 3 jumping to 2 skips 1.
TEST(QueueChecker, AMembersTransactionThatMayHaveCommittedHandledWhatItPolled) {
  const auto history = [](const char* txn_completion) {
    return std::string(kGroupSends) + R"(
{:process 3 :type :invoke :f :poll :value [[:poll]]}
{:process 3 :type :ok :f :poll :value [[:poll {1 [[0 10]]}]]}
{:process 2 :type :invoke :f :txn :value [[:poll] [:send 2 20]]}
)" + txn_completion +
           R"(
{:process 3 :type :invoke :f :poll :value [[:poll]]}
{:process 3 :type :ok :f :poll :value [[:poll {1 [[2 12]]}]]}
)";
  };
  const QueueCheckResult committed = check_edn(
      history("{:process 2 :type :ok :f :txn :value [[:poll {1 [[1 11]]}] [:send 2 [0 20]]]}"));
  EXPECT_TRUE(committed.valid) << explain_text(committed);
  const QueueCheckResult in_doubt = check_edn(
      history("{:process 2 :type :info :f :txn :value [[:poll {1 [[1 11]]}] [:send 2 20]]}"));
  EXPECT_TRUE(in_doubt.valid) << explain_text(in_doubt);
  EXPECT_EQ(in_doubt.polled_records, committed.polled_records)
      << "an in-doubt transaction still read what it read";
  const QueueCheckResult aborted =
      check_edn(history("{:process 2 :type :fail :f :txn :value [[:poll] [:send 2 20]]}"));
  EXPECT_EQ(count(aborted, "group-skip"), 1u) << explain_text(aborted);
}

// Each transaction polled what the other sent: no serial order explains it.
TEST(QueueChecker, TransactionsThatReadEachOthersWritesAreG1c) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :txn :value [[:send :x 1] [:poll]]}
{:process 1 :type :invoke :f :txn :value [[:send :y 2] [:poll]]}
{:process 0 :type :ok :f :txn :value [[:send :x [0 1]] [:poll {:y [[0 2]]}]]}
{:process 1 :type :ok :f :txn :value [[:send :y [0 2]] [:poll {:x [[0 1]]}]]}
)");
  EXPECT_EQ(count(result, "G1c"), 1u) << explain_text(result);
  ASSERT_FALSE(result.anomalies.empty());
  const Anomaly& cycle = result.anomalies.front();
  EXPECT_EQ(cycle.ops.size(), 2u);
  EXPECT_NE(cycle.detail.find("circular information flow"), std::string::npos);
  EXPECT_EQ(result.counts.size(), 1u) << explain_text(result);
}

// A reader that only reads is on no cycle, and one transaction reading
// another's write is ordinary.
TEST(QueueChecker, OneWayInformationFlowIsNoCycle) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :txn :value [[:send :x 1] [:poll]]}
{:process 0 :type :ok :f :txn :value [[:send :x [0 1]] [:poll {:y []}]]}
{:process 1 :type :invoke :f :txn :value [[:send :y 2] [:poll]]}
{:process 1 :type :ok :f :txn :value [[:send :y [0 2]] [:poll {:x [[0 1]]}]]}
)");
  EXPECT_TRUE(result.valid) << explain_text(result);
}

// Kafka's transactions do not isolate writes: two transactions whose writes
// interleave in opposite orders on two keys form a ww cycle (G0), which is
// counted and allowed.
TEST(QueueChecker, InterleavedTransactionalWritesAreACountedWriteCycleNotAnAnomaly) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :txn :value [[:send :x 1] [:send :y 2]]}
{:process 1 :type :invoke :f :txn :value [[:send :x 3] [:send :y 4]]}
{:process 0 :type :ok :f :txn :value [[:send :x [0 1]] [:send :y [1 2]]]}
{:process 1 :type :ok :f :txn :value [[:send :x [1 3]] [:send :y [0 4]]]}
)");
  EXPECT_TRUE(result.valid) << explain_text(result);
  EXPECT_EQ(result.write_cycles, 1u);
  EXPECT_NE(explain_text(result).find("1 write cycles (G0)"), std::string::npos);
}

TEST(QueueChecker, JsonlWritesThePollsMapAsPairs) {
  const std::string text =
      R"({"process":0,"type":"invoke","f":"send","value":[["send",1,10]]}
{"process":0,"type":"ok","f":"send","value":[["send",1,[0,10]]]}
{"process":1,"type":"invoke","f":"poll","value":[["poll"]]}
{"process":1,"type":"ok","f":"poll","value":[["poll",[[1,[[0,20]]]]]]}
)";
  const auto ops = history::read_history(text, history::Format::jsonl, "test.jsonl");
  const CompiledQueue compiled = compile_queue_history(ops);
  ASSERT_FALSE(compiled.error.has_value()) << compiled.error->what;
  EXPECT_EQ(count(check_queue(compiled.history), "inconsistent-offsets"), 1u);
}

TEST(QueueChecker, JsonlFinalPollsAreTheDrain) {
  const std::string text =
      R"({"process":0,"type":"invoke","f":"send","value":[["send",1,10]]}
{"process":0,"type":"ok","f":"send","value":[["send",1,[0,10]]]}
{"process":1000000000,"type":"invoke","f":"final-poll","value":[["poll"]]}
{"process":1000000000,"type":"ok","f":"final-poll","value":[["poll",[[1,[]]]]]}
)";
  const auto ops = history::read_history(text, history::Format::jsonl, "test.jsonl");
  const CompiledQueue compiled = compile_queue_history(ops);
  ASSERT_FALSE(compiled.error.has_value()) << compiled.error->what;
  ASSERT_EQ(compiled.history.ops.size(), 2u);
  EXPECT_EQ(compiled.history.ops[1].f, QueueF::final_poll);
  EXPECT_EQ(count(check_queue(compiled.history), "lost-write"), 1u);
}

// Jepsen records a poll that failed or crashed with its invocation's value.
TEST(QueueChecker, APollThatDidNotCompleteOkReadNothing) {
  const QueueCheckResult result = check_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]]]}
{:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :fail :f :poll :value [[:poll]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :info :f :poll :value [[:poll]]}
)");
  EXPECT_TRUE(result.valid) << explain_text(result);
  EXPECT_EQ(result.polled_records, 0u);
  EXPECT_EQ(result.unseen, 1u);
}

TEST(QueueChecker, AMalformedPollNamesItsLine) {
  const auto ops = history::read_history(R"({:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :ok :f :poll :value [[:poll {1 [[:zero 10]]}]]}
)",
                                         history::Format::edn, "bad.edn");
  const CompiledQueue compiled = compile_queue_history(ops);
  ASSERT_TRUE(compiled.error.has_value());
  EXPECT_EQ(compiled.error->line, 2);
  EXPECT_NE(compiled.error->what.find("[offset value]"), std::string::npos) << compiled.error->what;
}

TEST(QueueChecker, AFifoQueuesHistoryIsNotAQueueLogHistory) {
  const auto ops = history::read_history(R"({:process 1 :type :invoke :f :enqueue :value 1}
{:process 1 :type :ok :f :enqueue :value 1}
)",
                                         history::Format::edn, "fifo.edn");
  EXPECT_FALSE(looks_like_queue_history(ops));
  EXPECT_TRUE(
      looks_like_queue_history(history::read_history(kValid, history::Format::edn, "valid.edn")));
}

}  // namespace
}  // namespace simlab::queue

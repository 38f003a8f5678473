// The causal checker on hand-made register histories: each bad pattern of
// Bouajjani et al. (POPL 2017) and the session guarantees they break, a
// causally consistent history that is not linearizable, and refused input.
#include "checkers/causal/causal_checker.h"

#include <gtest/gtest.h>

#include <string>

#include "checkers/history/history_format.h"

namespace simlab::causal {
namespace {

CausalResult check(const std::string& edn, Scope scope = Scope::causal) {
  return check_causal(history::read_history(edn, history::Format::edn, "test.edn"), scope);
}

// Process p's op on key k, invoked and completed at once.
std::string op(int process, const char* f, const char* key, const std::string& value) {
  const std::string invoke_value = std::string(f) == "write" ? value : "nil";
  return "{:process " + std::to_string(process) + " :type :invoke :f :" + f + " :key \"" + key +
         "\" :value " + invoke_value + "}\n{:process " + std::to_string(process) +
         " :type :ok :f :" + f + " :key \"" + key + "\" :value " + value + "}\n";
}

TEST(CausalChecker, StaleButCausallyConsistentReadsAreValid) {
  // Process 1 reads x's old value after process 0 wrote a new one: not
  // linearizable, but nothing made the new write causally before the read.
  const CausalResult result =
      check(op(0, "write", "x", "1") + op(0, "write", "x", "2") + op(1, "read", "x", "1") +
            op(1, "read", "x", "2") + op(2, "read", "x", "nil"));
  EXPECT_EQ(result.verdict, Verdict::valid) << explain_text(result, Scope::causal);
  EXPECT_EQ(result.reads, 3u);
  EXPECT_EQ(result.writes, 2u);
  EXPECT_EQ(result.processes, 3u);
}

TEST(CausalChecker, ReadingAnOverwrittenValueAfterOwnWriteBreaksReadYourWrites) {
  const std::string history = op(0, "write", "x", "1") + op(1, "read", "x", "1") +
                              op(1, "write", "x", "2") + op(1, "read", "x", "1");
  const CausalResult result = check(history);
  EXPECT_EQ(result.verdict, Verdict::invalid);
  ASSERT_EQ(result.anomalies.size(), 1u);
  const CausalAnomaly& anomaly = result.anomalies[0];
  EXPECT_EQ(anomaly.name, "write-co-read");
  EXPECT_EQ(anomaly.session, "read-your-writes");
  EXPECT_EQ(anomaly.read, 7);
  EXPECT_EQ(anomaly.read_from, 0);
  EXPECT_EQ(anomaly.overwrite, 4);
  EXPECT_EQ(anomaly.detail,
            "process 1's read of \"x\" ending at op 7 returned 1, written at op 0; the write of 2 "
            "at op 4 overwrote it and is causally before the read (read-your-writes: the reader "
            "wrote it itself)");
  const CausalResult session = check(history, Scope::session);
  ASSERT_EQ(session.anomalies.size(), 1u);
  EXPECT_EQ(session.anomalies[0].name, "read-your-writes");
}

TEST(CausalChecker, GoingBackToAnOlderValueBreaksMonotonicReads) {
  const CausalResult result = check(op(0, "write", "x", "1") + op(0, "write", "x", "2") +
                                    op(1, "read", "x", "2") + op(1, "read", "x", "1"));
  ASSERT_EQ(result.anomalies.size(), 1u) << explain_text(result, Scope::causal);
  EXPECT_EQ(result.anomalies[0].name, "write-co-read");
  EXPECT_EQ(result.anomalies[0].session, "monotonic-reads");
}

TEST(CausalChecker, SeeingALaterWriteOfTheOverwritersSessionBreaksMonotonicWrites) {
  // Process 1 wrote x=2 after reading x=1, then y=3; process 2 reads y=3,
  // so x=2 is in its past, and then reads x=1.
  const CausalResult result =
      check(op(0, "write", "x", "1") + op(1, "read", "x", "1") + op(1, "write", "x", "2") +
            op(1, "write", "y", "3") + op(2, "read", "y", "3") + op(2, "read", "x", "1"));
  ASSERT_EQ(result.anomalies.size(), 1u) << explain_text(result, Scope::causal);
  EXPECT_EQ(result.anomalies[0].name, "write-co-read");
  EXPECT_EQ(result.anomalies[0].session, "monotonic-writes");
  // Process 2 read y=3 itself: the session scope reports it too.
  EXPECT_EQ(check(op(0, "write", "x", "1") + op(1, "read", "x", "1") + op(1, "write", "x", "2") +
                      op(1, "write", "y", "3") + op(2, "read", "y", "3") + op(2, "read", "x", "1"),
                  Scope::session)
                .counts.at("monotonic-writes"),
            1u);
  // Through a third process (3 read y=3 and wrote z=4, which 2 read), it is
  // causal's alone: the store served 2 nothing of process 1's.
  const std::string through_another = op(0, "write", "x", "1") + op(1, "read", "x", "1") +
                                      op(1, "write", "x", "2") + op(1, "write", "y", "3") +
                                      op(3, "read", "y", "3") + op(3, "write", "z", "4") +
                                      op(2, "read", "z", "4") + op(2, "read", "x", "1");
  EXPECT_EQ(check(through_another).counts.at("write-co-read"), 1u);
  EXPECT_TRUE(check(through_another, Scope::session).anomalies.empty());
}

TEST(CausalChecker, AWriteAfterReadingTheOverwriteBreaksWritesFollowReads) {
  // Process 1 read x=2 and then wrote y=3; process 2 saw y=3 but reads x=1.
  const std::string history = op(0, "write", "x", "1") + op(0, "write", "x", "2") +
                              op(1, "read", "x", "2") + op(1, "write", "y", "3") +
                              op(2, "read", "y", "3") + op(2, "read", "x", "1");
  const CausalResult result = check(history);
  ASSERT_EQ(result.anomalies.size(), 1u) << explain_text(result, Scope::causal);
  EXPECT_EQ(result.anomalies[0].session, "writes-follow-reads");
  EXPECT_TRUE(check(history, Scope::session).anomalies.empty());  // causal's alone
}

TEST(CausalChecker, TheSessionScopeLooksPastAnOverwriteTheReaderDidNotSeeItself) {
  // Process 5's last read of x returns 1, which process 0's 10 overwrote
  // (reaching process 5 only through process 6) and process 4's 40
  // overwrote too (read by process 5 itself): the second is reported.
  const std::string history =
      op(0, "write", "x", "7") + op(9, "write", "x", "1") + op(0, "read", "x", "1") +
      op(0, "write", "x", "10") + op(0, "write", "y", "20") + op(6, "read", "y", "20") +
      op(6, "write", "z", "30") + op(4, "read", "x", "1") + op(4, "write", "x", "40") +
      op(5, "read", "x", "40") + op(5, "read", "z", "30") + op(5, "read", "x", "1");
  const CausalResult session = check(history, Scope::session);
  ASSERT_EQ(session.anomalies.size(), 1u) << explain_text(session, Scope::session);
  EXPECT_EQ(session.anomalies[0].name, "monotonic-reads");
  EXPECT_EQ(session.anomalies[0].overwrite, 16);  // the write of 40
}

TEST(CausalChecker, TheInitialValueAfterACausallyEarlierWriteIsWriteCoInitRead) {
  const CausalResult result = check(op(0, "write", "x", "1") + op(0, "write", "y", "2") +
                                    op(1, "read", "y", "2") + op(1, "read", "x", "nil"));
  ASSERT_EQ(result.anomalies.size(), 1u) << explain_text(result, Scope::causal);
  EXPECT_EQ(result.anomalies[0].name, "write-co-init-read");
  EXPECT_EQ(result.anomalies[0].overwrite, 0);
}

TEST(CausalChecker, AValueNobodyWroteIsThinAirAndACycleIsCyclicCo) {
  const CausalResult thin = check(op(0, "write", "x", "1") + op(1, "read", "x", "9"));
  ASSERT_EQ(thin.anomalies.size(), 1u);
  EXPECT_EQ(thin.anomalies[0].name, "thin-air-read");
  // Each process reads the other's write, which follows that read.
  const CausalResult cycle = check(op(0, "read", "x", "1") + op(0, "write", "y", "2") +
                                   op(1, "read", "y", "2") + op(1, "write", "x", "1"));
  EXPECT_EQ(cycle.verdict, Verdict::invalid);
  // Both reads wait for a write that waits for the other read.
  EXPECT_EQ(cycle.counts.at("cyclic-co"), 2u) << explain_text(cycle, Scope::causal);
}

TEST(CausalChecker, ReadsThatOrderTwoWritesBothWaysBreakCausalConvergenceOnly) {
  // Processes 2 and 3 each see one write and then the other, in opposite
  // orders: causally consistent (replicas may apply concurrent writes in
  // different orders) but no single arbitration order explains both.
  const std::string history = op(0, "write", "x", "1") + op(1, "write", "x", "2") +
                              op(2, "read", "x", "1") + op(2, "read", "x", "2") +
                              op(3, "read", "x", "2") + op(3, "read", "x", "1");
  EXPECT_EQ(check(history).verdict, Verdict::valid);
  const CausalResult ccv = check(history, Scope::ccv);
  EXPECT_EQ(ccv.verdict, Verdict::invalid);
  ASSERT_EQ(ccv.anomalies.size(), 1u) << explain_text(ccv, Scope::ccv);
  const CausalAnomaly& anomaly = ccv.anomalies[0];
  EXPECT_EQ(anomaly.name, "cyclic-cf");
  EXPECT_EQ(anomaly.session, "");
  EXPECT_EQ(anomaly.read, 7);       // process 2's second read
  EXPECT_EQ(anomaly.read_from, 2);  // the write of 2
  EXPECT_EQ(anomaly.overwrite, 0);  // the write of 1, in its past
  EXPECT_EQ(anomaly.detail,
            "process 2's read of \"x\" ending at op 7 returned 2 (op 2) with 1 (op 0) in its "
            "causal past, so 1 is ordered before 2; process 3's read of \"x\" ending at op 11 "
            "returned 1 (op 0) with 2 (op 2) in its causal past, so 2 is ordered before 1; and "
            "causal order closes the cycle: no one order of the writes agrees with every read");
  EXPECT_EQ(explain_json(ccv, Scope::ccv)["checker"], "ccv");
}

TEST(CausalChecker, ReadsThatAgreeOnTheOrderOfTwoWritesConverge) {
  const std::string history = op(0, "write", "x", "1") + op(1, "write", "x", "2") +
                              op(2, "read", "x", "1") + op(2, "read", "x", "2") +
                              op(3, "read", "x", "2") + op(3, "read", "x", "2");
  const CausalResult ccv = check(history, Scope::ccv);
  EXPECT_EQ(ccv.verdict, Verdict::valid) << explain_text(ccv, Scope::ccv);
}

TEST(CausalChecker, ACycleOfConflictsThroughThreeWritesAndTwoKeysIsFound) {
  // Reads order 1 before 2 and 2 before 3 on x, and 3 before 1 through a
  // write of y that follows the read of 3: w1 cf w2 cf w3, and w3 ... w1 by
  // a read that saw 3 and then returned 1.
  const std::string history =
      op(0, "write", "x", "1") + op(1, "write", "x", "2") + op(2, "write", "x", "3") +
      op(3, "read", "x", "1") + op(3, "read", "x", "2") + op(4, "read", "x", "2") +
      op(4, "read", "x", "3") + op(5, "read", "x", "3") + op(5, "write", "y", "7") +
      op(6, "read", "y", "7") + op(6, "read", "x", "1");
  EXPECT_EQ(check(history).verdict, Verdict::valid);
  const CausalResult ccv = check(history, Scope::ccv);
  ASSERT_EQ(ccv.counts.count("cyclic-cf"), 1u) << explain_text(ccv, Scope::ccv);
  EXPECT_EQ(ccv.counts.at("cyclic-cf"), 1u);
  EXPECT_NE(ccv.anomalies[0].detail.find("so 3 is ordered before 1"), std::string::npos)
      << ccv.anomalies[0].detail;
}

// Multi-value register reads: a list of the siblings' values.
TEST(CausalChecker, ConcurrentSiblingsAndAWriteThatReplacesThemAreValid) {
  const std::string history = op(0, "write", "x", "1") + op(1, "write", "x", "2") +
                              op(2, "read", "x", "[]") + op(2, "read", "x", "[1 2]") +
                              op(2, "write", "x", "3") + op(3, "read", "x", "[2]") +
                              op(3, "read", "x", "[1 2]") + op(3, "read", "x", "[3]");
  const CausalResult result = check(history);
  EXPECT_EQ(result.verdict, Verdict::valid) << explain_text(result, Scope::causal);
  EXPECT_EQ(result.reads, 5u);
  EXPECT_EQ(check(history, Scope::ccv).verdict, Verdict::valid);
}

TEST(CausalChecker, ASiblingOverwrittenByAnotherIsWriteCoRead) {
  const std::string history =
      op(0, "write", "x", "1") + op(0, "write", "x", "2") + op(1, "read", "x", "[1 2]");
  const CausalResult result = check(history);
  ASSERT_EQ(result.anomalies.size(), 1u) << explain_text(result, Scope::causal);
  const CausalAnomaly& anomaly = result.anomalies[0];
  EXPECT_EQ(anomaly.name, "write-co-read");
  EXPECT_EQ(anomaly.session, "monotonic-writes");
  EXPECT_EQ(anomaly.read_from, 0);
  EXPECT_EQ(anomaly.overwrite, 2);
  EXPECT_EQ(anomaly.detail,
            "process 1's read of \"x\" ending at op 5 returned the siblings [1 2], of them 1, "
            "written at op 0; the write of 2 at op 2 overwrote it and is causally before the "
            "read (monotonic-writes: its writer wrote the other sibling before it)");
  // The reader saw neither before, yet the siblings' own session orders
  // them: the session scope reports it too.
  const CausalResult session = check(history, Scope::session);
  ASSERT_EQ(session.anomalies.size(), 1u);
  EXPECT_EQ(session.anomalies[0].name, "monotonic-writes");
  // Process 2 read 1 and then wrote 3 at its replica: 3 replaced 1 there.
  const CausalResult followed = check(op(0, "write", "x", "1") + op(2, "read", "x", "[1]") +
                                          op(2, "write", "x", "3") + op(1, "read", "x", "[1 3]"),
                                      Scope::session);
  ASSERT_EQ(followed.anomalies.size(), 1u) << explain_text(followed, Scope::session);
  EXPECT_EQ(followed.anomalies[0].name, "writes-follow-reads");
  // Only through a third party: a store that delivers per writer may show
  // both, and only the causal scope reports it.
  const std::string transitive = op(0, "write", "x", "1") + op(0, "write", "y", "5") +
                                 op(2, "read", "y", "[5]") + op(2, "write", "x", "3") +
                                 op(1, "read", "x", "[1 3]");
  EXPECT_TRUE(check(transitive, Scope::session).anomalies.empty());
  EXPECT_EQ(check(transitive).counts.at("write-co-read"), 1u);
}

TEST(CausalChecker, AnOwnWriteMissingFromTheSiblingsBreaksReadYourWrites) {
  // Process 1 read 1, wrote 2 over it, and reads 1 alone: 2 was lost.
  const CausalResult result = check(op(0, "write", "x", "1") + op(1, "read", "x", "[1]") +
                                    op(1, "write", "x", "2") + op(1, "read", "x", "[1]"));
  ASSERT_EQ(result.anomalies.size(), 1u) << explain_text(result, Scope::causal);
  EXPECT_EQ(result.anomalies[0].name, "write-co-read");
  EXPECT_EQ(result.anomalies[0].session, "read-your-writes");
  const CausalResult empty = check(op(0, "write", "x", "1") + op(0, "read", "x", "[]"));
  ASSERT_EQ(empty.anomalies.size(), 1u);
  EXPECT_EQ(empty.anomalies[0].name, "write-co-init-read");
  EXPECT_EQ(
      check(op(0, "write", "x", "1") + op(1, "read", "x", "[1 9]")).counts.at("thin-air-read"), 1u);
}

TEST(CausalChecker, TheSessionScopeTakesAMultiValueOverwriteOnlyFromItsWritersOwnView) {
  // Process 2 read 1 at its replica and wrote 3 there, replacing it;
  // process 1 saw 3 and later 1 again: monotonic reads broken.
  const CausalResult direct =
      check(op(0, "write", "x", "1") + op(2, "read", "x", "[1]") + op(2, "write", "x", "3") +
                op(1, "read", "x", "[3]") + op(1, "read", "x", "[1]"),
            Scope::session);
  ASSERT_EQ(direct.anomalies.size(), 1u) << explain_text(direct, Scope::session);
  EXPECT_EQ(direct.anomalies[0].name, "monotonic-reads");
  // Process 2 knew of 1 only through y: its replica may not have held 1,
  // so 3 need not have replaced it, and 1 and 3 may be siblings.
  const std::string transitive = op(0, "write", "x", "1") + op(0, "write", "y", "5") +
                                 op(2, "read", "y", "[5]") + op(2, "write", "x", "3") +
                                 op(1, "read", "x", "[1 3]") + op(1, "read", "x", "[1 4]") +
                                 op(4, "read", "x", "[3]") + op(4, "write", "x", "4");
  const CausalResult session = check(transitive, Scope::session);
  EXPECT_TRUE(session.anomalies.empty()) << explain_text(session, Scope::session);
  EXPECT_EQ(check(transitive).verdict, Verdict::invalid);
}

TEST(CausalChecker, ReadersThatHideEachOthersWriteFormAHiddenWriteCycle) {
  // Process 2 saw 1 and then 2 alone, so 1 is causally before 2; process
  // 3 saw 2 and then 1 alone, so 2 is causally before 1. A multi-value
  // register cannot hide a concurrent write; the single-value causal check
  // allows the same reads of a plain register.
  const std::string history = op(0, "write", "x", "1") + op(1, "write", "x", "2") +
                              op(2, "read", "x", "[1]") + op(2, "read", "x", "[2]") +
                              op(3, "read", "x", "[2]") + op(3, "read", "x", "[1]");
  const CausalResult result = check(history);
  ASSERT_EQ(result.anomalies.size(), 1u) << explain_text(result, Scope::causal);
  const CausalAnomaly& anomaly = result.anomalies[0];
  EXPECT_EQ(anomaly.name, "cyclic-hidden-write");
  EXPECT_EQ(anomaly.read, 7);
  EXPECT_EQ(anomaly.cycle_reads, std::vector<std::int64_t>{11});
  EXPECT_EQ(anomaly.detail,
            "process 2's read of \"x\" ending at op 7 returned 2 (op 2) with 1 (op 0) in its "
            "causal past, so 1 is causally before 2; process 3's read of \"x\" ending at op 11 "
            "returned 1 (op 0) with 2 (op 2) in its causal past, so 2 is causally before 1; and "
            "causal order closes the cycle: no causal order explains every read");
  EXPECT_TRUE(check(history, Scope::session).anomalies.empty());
}

TEST(CausalChecker, AWriteHiddenByOneOfSeveralSiblingsDrawsNoEdge) {
  // Process 2's second read passes over 3, which 1 or 2 must hide;
  // process 3's reads put 1 before 3, so 2 hides it. An edge to every
  // sibling would close a false cycle through 1.
  const std::string history = op(0, "write", "x", "1") + op(1, "write", "x", "2") +
                              op(4, "write", "x", "3") + op(2, "read", "x", "[3]") +
                              op(2, "read", "x", "[1 2]") + op(3, "read", "x", "[1]") +
                              op(3, "read", "x", "[3]");
  const CausalResult result = check(history);
  EXPECT_EQ(result.verdict, Verdict::valid) << explain_text(result, Scope::causal);
}

TEST(CausalChecker, FailedOpsTakeNoPartAndRepeatedValuesAreRefused) {
  const std::string failed_write =
      "{:process 0 :type :invoke :f :write :key \"x\" :value 1}\n"
      "{:process 0 :type :fail :f :write :key \"x\" :value 1}\n";
  EXPECT_EQ(check(failed_write + op(1, "read", "x", "1")).counts.at("thin-air-read"), 1u);
  try {
    check(op(0, "write", "x", "1") + op(1, "write", "x", "1"));
    FAIL() << "a value written twice must be refused";
  } catch (const history::OpError& error) {
    EXPECT_EQ(error.line(), 3);  // the second write's invocation
    EXPECT_NE(std::string(error.what()).find("written twice"), std::string::npos);
  }
  EXPECT_THROW(check(op(0, "cas", "x", "1")), history::OpError);
}

}  // namespace
}  // namespace simlab::causal

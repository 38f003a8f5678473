// What a run page is drawn from: op intervals, the timeline's sample, the
// trace excerpt, the explanation and the charts' data.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "reports/explanation_data.h"
#include "reports/op_intervals.h"
#include "reports/run_page_data.h"
#include "reports/timeline_sample.h"
#include "reports/trace_excerpt.h"
#include "tests/reports/history_support.h"

namespace simlab::reports {
namespace {

using history::OpType;
using history::Value;
using testing::add_op;

TEST(PairOps, PairsEachInvocationWithItsProcesssNextCompletion) {
  history::History history;
  add_op(history, 0, 1, OpType::invoke, "write", Value::integer(1));
  add_op(history, 5, 2, OpType::invoke, "read", Value());
  add_op(history, 9, 2, OpType::ok, "read", Value::integer(1));
  add_op(history, 12, 1, OpType::info, "write", Value::integer(1));
  add_op(history, 14, 3, OpType::fail, "write", Value::integer(7));  // no invocation: ignored
  add_op(history, 20, 4, OpType::invoke, "read", Value());           // never completes
  const auto intervals = pair_ops(history);
  ASSERT_EQ(intervals.size(), 3u);
  EXPECT_EQ(intervals[0].invoke_index, 0);
  EXPECT_EQ(intervals[0].completion_index, 3);
  EXPECT_EQ(intervals[0].end_ns, 12);
  EXPECT_EQ(intervals[0].outcome, OpType::info);
  EXPECT_TRUE(intervals[0].open_ended());
  EXPECT_EQ(intervals[1].completion_index, 2);
  EXPECT_EQ(intervals[1].outcome, OpType::ok);
  EXPECT_FALSE(intervals[1].open_ended());
  EXPECT_EQ(intervals[2].end_ns, -1);
  EXPECT_EQ(intervals[2].outcome, OpType::invoke);
  EXPECT_TRUE(intervals[2].open_ended());
}

TEST(SampleTimeline, KeepsEveryOpUnderTheBudget) {
  const auto intervals = pair_ops(testing::synthetic_history(500, 4));
  const auto sample = sample_timeline(intervals, {}, -1, 1000);
  EXPECT_FALSE(sample.sampled);
  EXPECT_EQ(sample.kept.size(), 500u);
}

TEST(SampleTimeline, OverTheBudgetKeepsUnusualNamedAndNearbyOps) {
  const auto intervals = pair_ops(testing::synthetic_history(100'000, 8, 997, 101));
  const std::int64_t named = intervals[54'321].invoke_index;
  const std::int64_t focus_ns = intervals[80'000].start_ns;
  const auto sample = sample_timeline(intervals, {named}, focus_ns, 5'000);
  EXPECT_TRUE(sample.sampled);
  EXPECT_GT(sample.every, 1u);
  EXPECT_LE(sample.kept.size(), 5'000u + 8);
  std::set<std::size_t> kept(sample.kept.begin(), sample.kept.end());
  EXPECT_EQ(kept.size(), sample.kept.size());
  EXPECT_TRUE(std::is_sorted(sample.kept.begin(), sample.kept.end()));
  EXPECT_TRUE(kept.count(54'321));
  std::map<std::int64_t, std::size_t> kept_per_lane;  // the even sample covers every lane alike
  for (const std::size_t i : sample.kept) kept_per_lane[intervals[i].invoke_index / 2 % 8] += 1;
  for (std::int64_t lane = 0; lane < 8; ++lane)
    EXPECT_GT(kept_per_lane[lane], sample.kept.size() / 16) << "lane " << lane;
  for (std::size_t i = 80'000 - kAroundFailureOps; i < 80'000 + kAroundFailureOps; ++i) {
    EXPECT_TRUE(kept.count(i)) << i;
  }
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    if (intervals[i].outcome != OpType::ok) {
      EXPECT_TRUE(kept.count(i)) << "unusual op " << i << " dropped";
    }
  }
}

std::string numbered_trace(int lines, int violation_at) {
  std::ostringstream out;
  for (int i = 1; i <= lines; ++i) {
    out << "   " << i * 1000 << (i == violation_at ? " VIOLATION election-safety" : " n0: step")
        << "\n";
  }
  return out.str();
}

TEST(ExcerptTrace, CentresOnTheFirstLineAtTheFailureTime) {
  std::istringstream in(numbered_trace(500, 0));
  const TraceExcerpt excerpt = excerpt_trace(in, 250'500);  // line 251 is the first at or after
  EXPECT_EQ(excerpt.total_lines, 500u);
  EXPECT_EQ(excerpt.focus_line, 251u);
  EXPECT_EQ(excerpt.first_line, 251u - kTraceContextLines);
  ASSERT_EQ(excerpt.lines.size(), 2 * kTraceContextLines + 1);
  EXPECT_EQ(trace_line_time(excerpt.lines[kTraceContextLines]), 251'000);
}

TEST(ExcerptTrace, WithoutATimeCentresOnTheViolationLine) {
  std::istringstream in(numbered_trace(100, 30));
  const TraceExcerpt excerpt = excerpt_trace(in, -1);
  EXPECT_EQ(excerpt.focus_line, 30u);
  EXPECT_EQ(excerpt.first_line, 1u);
  ASSERT_EQ(excerpt.lines.size(), 30u + kTraceContextLines);
  EXPECT_NE(excerpt.lines[29].find("VIOLATION"), std::string::npos);
}

TEST(ExcerptTrace, WithNoFailureKeepsTheLastLinesAndClipsLongOnes) {
  std::istringstream in(numbered_trace(300, 0) + "   999999 n1: " + std::string(5000, 'x') + "\n");
  const TraceExcerpt excerpt = excerpt_trace(in, -1);
  EXPECT_EQ(excerpt.focus_line, 0u);
  EXPECT_EQ(excerpt.total_lines, 301u);
  ASSERT_EQ(excerpt.lines.size(), 2 * kTraceContextLines);
  EXPECT_EQ(excerpt.first_line, 301u - 2 * kTraceContextLines + 1);
  EXPECT_LT(excerpt.lines.back().size(), kTraceLineCharsMax + 20);
}

TEST(TraceLineTime, ReadsTheLeadingNumber) {
  EXPECT_EQ(trace_line_time("      458509523 n0: CRASH"), 458509523);
  EXPECT_EQ(trace_line_time("n0: no time"), -1);
  EXPECT_EQ(trace_line_time(""), -1);
}

history::History register_history() {
  history::History history;
  add_op(history, 100, 0, OpType::invoke, "write", Value::integer(1));
  add_op(history, 200, 0, OpType::ok, "write", Value::integer(1));
  add_op(history, 300, 1, OpType::invoke, "read", Value());
  add_op(history, 400, 1, OpType::ok, "read", Value::integer(2));
  return history;
}

TEST(ExplanationData, LinearizabilityNamesTheBlockedOpThePrefixAndTheState) {
  RunSummary summary;
  summary.verdict = "safety-violation";
  summary.anomaly = "linearizability";
  summary.explanation = {
      {"reason", "cannot place read"},
      {"prefix_length", 1},
      {"state", "1"},
      {"blocked", {{"invoke_index", 2}, {"text", "#2 process 1 read -> ok 2"}}},
      {"prefix_tail", {{{"invoke_index", 0}, {"text", "#0 process 0 write 1 -> ok"}}}},
      {"concurrent", nlohmann::json::array()}};
  const auto history = register_history();
  const nlohmann::json data = explanation_data(summary, history);
  EXPECT_EQ(data["kind"], "linearizability");
  EXPECT_EQ(data["blocked"]["index"], 2);
  EXPECT_EQ(data["prefix_length"], 1);
  EXPECT_EQ(data["state"], "1");
  EXPECT_EQ(named_ops(data), (std::set<std::int64_t>{0, 2}));
  EXPECT_EQ(focus_time(data, history), 300);
}

TEST(ExplanationData, FastPathSpansComeFromTheReason) {
  RunSummary summary;
  summary.verdict = "safety-violation";
  summary.anomaly = "linearizability";
  summary.explanation = {
      {"reason",
       "the value 1 must hold from position 0 to 3 and the value 2 from position 2 to 3; "
       "one of them cannot be in place when it was seen"},
      {"prefix_length", 0}};
  const auto history = register_history();
  const nlohmann::json data = explanation_data(summary, history);
  ASSERT_EQ(data["spans"].size(), 2u);
  EXPECT_EQ(data["spans"][0]["value"], "1");
  EXPECT_EQ(data["spans"][0]["from_ns"], 100);
  EXPECT_EQ(data["spans"][0]["to_ns"], 400);
  EXPECT_EQ(data["spans"][1]["value"], "2");
  EXPECT_EQ(named_ops(data),
            (std::set<std::int64_t>{0, 2}));  // position 3 is the read's completion
  EXPECT_EQ(focus_time(data, history), 100);
}

TEST(ExplanationData, InvariantUnknownAndValidRuns) {
  RunSummary invariant;
  invariant.verdict = "safety-violation";
  invariant.anomaly = "election-safety";
  invariant.node = 2;
  invariant.failure_time_ns = 1234;
  const nlohmann::json broke = explanation_data(invariant, {});
  EXPECT_EQ(broke["kind"], "invariant");
  EXPECT_EQ(broke["node"], 2);
  EXPECT_EQ(focus_time(broke, {}), 1234);
  RunSummary unknown;
  unknown.verdict = "unknown";
  unknown.detail = "the search ran out of its 300 s time limit";
  EXPECT_EQ(explanation_data(unknown, {})["kind"], "unknown");
  EXPECT_EQ(explanation_data(unknown, {})["reason"], unknown.detail);
  RunSummary liveness;
  liveness.verdict = "liveness-failure";
  liveness.anomaly = "liveness";
  EXPECT_EQ(explanation_data(liveness, {})["kind"], "liveness");
  RunSummary lab;
  lab.verdict = "internal-error";
  EXPECT_EQ(explanation_data(lab, {})["kind"], "internal");
  RunSummary valid;
  valid.verdict = "valid";
  EXPECT_EQ(explanation_data(valid, {})["kind"], "none");
  EXPECT_EQ(focus_time(explanation_data(valid, {}), {}), -1);
}

// A queue finding (checkers/queue/queue_explanation.h) is its own kind: the
// page draws its lanes, and the timeline highlights its example's ops.
TEST(ExplanationData, AQueueFindingKeepsItsLanesAndNamesTheExamplesOps) {
  RunSummary summary;
  summary.verdict = "safety-violation";
  summary.anomaly = "lost-write";
  summary.detail = "key 1: the acknowledged send of 11 at offset 1 was never polled (ops 0, 2)";
  summary.failure_time_ns = 300;
  const nlohmann::json lane = {
      {"key", "1"}, {"end", 2}, {"from", 0}, {"to", 2}, {"cells", nlohmann::json::array()}};
  summary.explanation = {
      {"checker", "queue"},
      {"counts", {{"lost-write", 1}}},
      {"anomalies", {{{"name", "lost-write"}, {"key", "1"}, {"ops", {0, 2}}, {"detail", "lost"}}}},
      {"lanes", {lane}},
      {"cut", {{"anomalies", 0}, {"keys", 0}}}};
  const auto history = register_history();
  const nlohmann::json data = explanation_data(summary, history);
  EXPECT_EQ(data["kind"], "queue");
  EXPECT_EQ(data["first"], "lost-write");
  EXPECT_EQ(data["reason"], summary.detail) << "the finding's one line";
  EXPECT_EQ(data["counts"], summary.explanation["counts"]);
  EXPECT_EQ(data["lanes"], nlohmann::json::array({lane}));
  EXPECT_EQ(data["cut"], summary.explanation["cut"]);
  EXPECT_EQ(named_ops(data), (std::set<std::int64_t>{0, 2}));
  EXPECT_EQ(focus_time(data, history), 300);
  summary.explanation.erase("checker");
  EXPECT_EQ(explanation_data(summary, history)["kind"], "linearizability")
      << "only the queue's says whose it is";
}

TEST(RunPageData, LargeRunsAreSampledButThroughputCountsEveryOp) {
  RunSummary summary;
  summary.verdict = "valid";
  const auto history = testing::synthetic_history(120'000, 10, 5000, 300);
  const nlohmann::json data = run_page_data(summary, history, std::nullopt);
  EXPECT_EQ(data["ops_total"], 120'000);
  EXPECT_TRUE(data["sample"]["sampled"].get<bool>());
  EXPECT_LE(data["ops"].size(), kTimelineOpsMax + 10);
  EXPECT_LE(data["latency"]["points"].size(), kLatencyPointsMax);
  std::int64_t counted = 0;
  for (const char* outcome : {"ok", "fail", "info"}) {
    for (const auto& bucket : data["throughput"][outcome]) counted += bucket.get<std::int64_t>();
  }
  EXPECT_EQ(counted, 120'000);
}

TEST(RunPageData, LongValuesAreShortenedAndInfoOpsKeepTheirTime) {
  history::History history;
  add_op(history, 0, 0, OpType::invoke, "write", Value::string(std::string(1000, 'v')));
  add_op(history, 50, 0, OpType::info, "write", Value::string(std::string(1000, 'v')));
  RunSummary summary;
  summary.verdict = "valid";
  const nlohmann::json data = run_page_data(summary, history, std::nullopt);
  ASSERT_EQ(data["ops"].size(), 1u);
  const auto& op = data["ops"][0];
  EXPECT_EQ(op[4], "info");
  EXPECT_EQ(op[3], 50);
  EXPECT_LE(op[7].get<std::string>().size(), kValueCharsMax + 3);
}

TEST(RunPageData, AHistoryWithoutAClockIsDrawnByPosition) {
  RunSummary summary;
  summary.verdict = "valid";
  history::History by_position;
  add_op(by_position, 0, 0, OpType::invoke, "read", Value());
  add_op(by_position, 1, 0, OpType::ok, "read", Value());
  EXPECT_EQ(run_page_data(summary, by_position, std::nullopt)["time_unit"], "position");
  history::History timed;
  add_op(timed, 0, 0, OpType::invoke, "read", Value());
  add_op(timed, 5000, 0, OpType::ok, "read", Value());
  EXPECT_EQ(run_page_data(summary, timed, std::nullopt)["time_unit"], "ns");
}

}  // namespace
}  // namespace simlab::reports

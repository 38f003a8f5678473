// The two judges, reported apart: a white-box finding does not end the run
// unless asked to, the history is judged either way, and what each judge
// found reaches result.json, the results store and replay.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "tests/harness/cli_support.h"

namespace simlab {
namespace {

// raft.read-without-quorum seed 2: the observer and the history both catch it.
Scenario stale_reads() {
  Scenario scenario = scenario_from_flags({"", "raft", "", "raft.read-without-quorum"});
  return resolve_scenario(scenario, 2);
}

TEST(Judges, AWhiteBoxFindingDoesNotEndTheRunUnlessAsked) {
  const RunOutcome full = run_scenario(stale_reads());
  ASSERT_TRUE(full.white_box.has_value());
  EXPECT_GT(full.simulated_ns, full.heal_ns) << "the run went on through the liveness phase";
  EXPECT_TRUE(full.history_judged);
  EXPECT_EQ(judges_caught(full), (std::vector<std::string>{"history", "observer"}));
  EXPECT_EQ(full.anomaly, "linearizability") << "the history's finding is named first";

  RunOptions stop;
  stop.stop_at_first_violation = true;
  const RunOutcome stopped = run_scenario(stale_reads(), stop);
  ASSERT_TRUE(stopped.white_box.has_value());
  EXPECT_EQ(stopped.simulated_ns, stopped.white_box->time_ns) << "it ended at the finding";
  EXPECT_LT(stopped.history.size(), full.history.size());
  EXPECT_EQ(stopped.verdict, RunVerdict::safety_violation);
}

TEST(Judges, NodesOnlyDropsTheObserver) {
  RunOptions nodes;
  nodes.invariants = InvariantJudges::nodes;
  const RunOutcome outcome = run_scenario(stale_reads(), nodes);
  EXPECT_EQ(judges_ran(outcome), (std::vector<std::string>{"history", "nodes"}));
  EXPECT_FALSE(outcome.white_box.has_value()) << "only the observer sees stale local reads";
  EXPECT_EQ(judges_caught(outcome), std::vector<std::string>{"history"});
}

std::string column(const std::string& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  sqlite3_open(db.c_str(), &handle);
  sqlite3_stmt* statement = nullptr;
  std::string text = "(no row)";
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return text;
}

TEST(Judges, RunRecordsTheJudgesInResultJsonAndTheStoreAndReplayUsesThem) {
  const auto dir = testing::scratch_folder("judges");
  const std::string db = (dir / "results.db").string();
  const auto ran = testing::run_simlab(fmt::format(
      "run --bug raft.read-without-quorum --seed 2 --invariants none --out {}/run --db {}",
      dir.string(), db));
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
  EXPECT_NE(ran.output.find("judges: history; caught by: history"), std::string::npos)
      << ran.output;
  nlohmann::json result;
  std::ifstream(dir / "run" / "result.json") >> result;
  EXPECT_EQ(result["judges"]["invariants"], "none");
  EXPECT_EQ(result["judges"]["ran"], nlohmann::json::array({"history"}));
  EXPECT_EQ(result["judges"]["caught_by"], nlohmann::json::array({"history"}));
  EXPECT_EQ(column(db, "SELECT judges || '/' || caught_by FROM runs"), "history/history");
  const auto replay = testing::run_simlab(fmt::format("replay {}/run", dir.string()));
  EXPECT_EQ(replay.exit_code, 1) << replay.output;
  EXPECT_NE(replay.output.find("(judges: none)"), std::string::npos) << replay.output;
  EXPECT_NE(replay.output.find("replay matches"), std::string::npos) << replay.output;
}

}  // namespace
}  // namespace simlab

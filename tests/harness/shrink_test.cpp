// Shrinking to the core: the run's ops become per-client scripts that
// replay it exactly, delta debugging keeps a 1-minimal set, and a planted
// bug's failing seed shrinks to a handful of ops that the same judge still
// catches and that replays exactly.
#include "harness/shrink.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/ddmin.h"
#include "harness/run/run_scenario.h"
#include "harness/run/scripted_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/systems/system_registry.h"
#include "sim/prng.h"
#include "workloads/op_stream_env.h"

namespace simlab {
namespace {

Scenario bug_seed(const std::string& system, const std::string& bug, std::uint64_t seed) {
  return resolve_scenario(scenario_from_flags({"", system, "", bug}), seed);
}

// Shrinking starts by writing the nemesis's faults down as a timeline; the
// written run must fail as the generated one did. Membership faults go
// through a client call of the nemesis's, whose latency must not depend on
// which fiber makes it (it did once: fiber ids differ between the two runs).
TEST(Shrink, GeneratedFaultsWrittenAsATimelineFailTheSameWay) {
  const Scenario failing = bug_seed("raft", "raft.unsafe-membership", 22);
  const RunOutcome generated = run_scenario(failing);
  ASSERT_EQ(generated.verdict, RunVerdict::safety_violation) << generated.detail;
  const RunOutcome written = run_scenario(scripted_scenario(failing, generated.faults));
  EXPECT_TRUE(fails_the_same_way(failure_signature(generated), written)) << written.detail;
  EXPECT_EQ(written.history.size(), generated.history.size()) << "the clients saw the same run";
}

TEST(Ddmin, KeepsExactlyTheItemsTheFailureNeeds) {
  std::size_t tests = 0;
  const auto kept = ddmin(
      40,
      [&](const std::vector<std::size_t>& items) {
        ++tests;
        const std::set<std::size_t> set(items.begin(), items.end());
        return set.contains(3) && set.contains(29) && set.contains(30);
      },
      [] { return false; });
  EXPECT_EQ(kept, (std::vector<std::size_t>{3, 29, 30}));
  EXPECT_LT(tests, 60u) << "a few needed items cost O(k log n) tests, not n squared";
}

TEST(Ddmin, StopsWhenTheBudgetIsSpent) {
  std::size_t tests = 0;
  const auto kept = ddmin(
      40, [&](const std::vector<std::size_t>&) { return ++tests, false; },
      [&] { return tests >= 5; });
  EXPECT_EQ(kept.size(), 40u);
  EXPECT_EQ(tests, 5u);
}

// With no faults the nemesis draws nothing, so a run and its own script
// must agree event for event: the scripted clients draw their streams (the
// nodes they ask, their back-offs) exactly as the generator did.
TEST(ClientScripts, AWholeScriptReplaysItsRunEventForEvent) {
  for (const std::string system : {"raft", "register"}) {
    Scenario scenario = bug_seed(system, "", 3);
    scenario.faults = {};
    scenario.timeline.clear();
    scenario.safety_ms = 1'500;
    const RunOutcome generated = run_scenario(scenario);
    Scenario scripted = scenario;
    scripted.script = client_scripts(generated.history, scenario.clients, kFinalReaderProcessBase);
    ASSERT_GT(scripted_op_count(scripted.script), 20u) << system;
    const RunOutcome replayed = run_scenario(scripted);
    EXPECT_EQ(replayed.trace_hash, generated.trace_hash) << system;
    ASSERT_EQ(replayed.history.size(), generated.history.size()) << system;
    for (std::size_t i = 0; i < replayed.history.size(); ++i) {
      const history::Op& mine = replayed.history[i];
      const history::Op& theirs = generated.history[i];
      ASSERT_TRUE(mine.time == theirs.time && mine.process == theirs.process &&
                  mine.type == theirs.type && mine.value == theirs.value)
          << system << ": op " << i << " differs";
    }
    EXPECT_EQ(replayed.verdict, RunVerdict::valid) << system;
    EXPECT_TRUE(replayed.live) << system << ": a client whose script ended is not starved";
  }
}

// A client that crashes at random (the log's consumers, Jepsen's crashed
// clients) crashes in a script where its original crashed and nowhere
// else, even once each op draws from its own stream: the crash is part of
// the op, as removing or moving ops must leave it. (An op crashes only if
// it gets that far: a fetch that fails first does not.)
TEST(ClientScripts, AClientsCrashIsPartOfItsScript) {
  const Scenario scenario = bug_seed("log", "", 1);
  const RunOutcome generated = run_scenario(scenario);
  // Per client, whether each op it invoked ended in its crash, in order.
  const auto crashes_of = [&](const history::History& history) {
    std::vector<std::vector<bool>> crashed(scenario.clients);
    const std::vector<std::int64_t> completions = history::completion_positions(history);
    for (std::size_t i = 0; i < history.size(); ++i) {
      const history::Op& op = history[i];
      if (op.type != history::OpType::invoke || op.process >= kFinalReaderProcessBase) continue;
      crashed[static_cast<std::size_t>(op.process % scenario.clients)].push_back(
          completions[i] >= 0 &&
          history[static_cast<std::size_t>(completions[i])].error == kCrashed);
    }
    return crashed;
  };
  Scenario scripted = scripted_scenario(scenario, generated.faults);
  scripted.script = client_scripts(generated.history, scenario.clients, kFinalReaderProcessBase);
  std::size_t scripted_crashes = 0;
  for (const ClientScript& script : scripted.script)
    for (const ScriptedOp& op : script) scripted_crashes += op.crash;
  ASSERT_GE(scripted_crashes, 10u) << "the log's default scenario crashes clients";
  scripted.script_op_streams = true;
  const auto replayed = crashes_of(run_scenario(scripted).history);
  std::size_t crashed_again = 0;
  for (std::size_t client = 0; client < replayed.size(); ++client) {
    for (std::size_t i = 0; i < replayed[client].size(); ++i) {
      if (!replayed[client][i]) continue;
      ASSERT_LT(i, scripted.script[client].size());
      EXPECT_TRUE(scripted.script[client][i].crash) << "client " << client << " op " << i;
      ++crashed_again;
    }
  }
  EXPECT_GE(crashed_again * 10, scripted_crashes * 9)
      << crashed_again << " of " << scripted_crashes;
}

// A client env that only draws: what OpStreamEnv changes is randomness.
class DrawingEnv final : public ClientEnv {
 public:
  std::int64_t now_ns() const override { return 0; }
  RandomSource& random() override { return random_; }
  void sleep_for(std::int64_t) override {}
  CallResult call(NodeId, Bytes, std::int64_t) override { return {}; }
  const std::vector<NodeId>& nodes() const override { return nodes_; }
  bool stopping() const override { return false; }

 private:
  sim::Prng random_{7};
  std::vector<NodeId> nodes_{1, 2, 3};
};

TEST(ClientScripts, WithOpStreamsAnOpsDrawsDoNotDependOnTheOpsBeforeIt) {
  const ScriptedOp first{100, "write", history::Value::integer(2), history::Value::integer(7)};
  const ScriptedOp second{900, "read", history::Value::integer(2), history::Value()};
  DrawingEnv inner;
  OpStreamEnv with_both(inner, 0);
  with_both.start_op(first);
  with_both.random().next_u64();
  with_both.start_op(second);
  const std::uint64_t after_first = with_both.random().next_u64();
  OpStreamEnv without_first(inner, 0);
  without_first.start_op(second);
  EXPECT_EQ(without_first.random().next_u64(), after_first);
  OpStreamEnv other_client(inner, 1);
  other_client.start_op(second);
  EXPECT_NE(other_client.random().next_u64(), after_first);
}

TEST(ClientScripts, ReadFromAScenarioFileWithTheirFieldsChecked) {
  const auto parse = [](const char* text) { return parse_scenario(nlohmann::json::parse(text)); };
  const Scenario scenario = parse(R"({"system": "raft", "script": [
      [{"at_ns": 5, "f": "write", "key": 2, "value": 7}, {"at_ns": 9, "f": "read", "key": 2}],
      [{"at_ns": 12, "f": "read", "key": 2, "node": "n3", "final": true}]],
      "final_reads": false, "minimum_latency": true, "script_op_streams": true})");
  EXPECT_EQ(scenario.clients, 2u) << "the script says how many clients";
  ASSERT_EQ(scenario.script[0].size(), 2u);
  EXPECT_EQ(scenario.script[0][1].at_ns, 9);
  EXPECT_EQ(scenario.script[0][1].node, "");
  EXPECT_FALSE(scenario.script[0][1].final_read);
  ASSERT_EQ(scenario.script[1].size(), 1u);
  EXPECT_EQ(scenario.script[1][0].node, "n3") << "a final reader's replica";
  EXPECT_TRUE(scenario.script[1][0].final_read);
  EXPECT_FALSE(scenario.final_reads);
  EXPECT_TRUE(scenario.minimum_latency);
  EXPECT_TRUE(scenario.script_op_streams);
  const Scenario again = parse_scenario(scenario_to_json(scenario));
  EXPECT_EQ(again.script, scenario.script);
  EXPECT_TRUE(again.script_op_streams && again.minimum_latency && !again.final_reads);

  const auto error_of = [&](const char* text) -> std::string {
    try {
      parse(text);
    } catch (const ScenarioError& error) {
      return error.what();
    }
    return "accepted";
  };
  EXPECT_EQ(error_of(R"({"script": [[{"at_ns": -1, "f": "read"}]]})"),
            "script[0][0].at_ns: expected an integer from 0 to 172800000000000");
  EXPECT_EQ(error_of(R"({"script": [[], [{"f": "read", "when": 1}]]})"),
            "script[1][0].when: unknown field");
  EXPECT_EQ(error_of(R"({"clients": 3, "script": [[]]})"),
            "clients: the script has 1 clients, not 3");
}

// A failure of the test's choosing: the run fails when some client writes
// 105 while a partition is scripted. The passes must find exactly that: one
// op, one fault, and what is left of the rest is only what they cannot drop.
RunOutcome synthetic_trial(const Scenario& scenario) {
  RunOutcome outcome;
  outcome.scenario = scenario;
  history::History& history = outcome.history;
  const auto record = [&](std::int64_t process, std::int64_t at_ns, const ScriptedOp& op) {
    history.push_back({static_cast<std::int64_t>(history.size()), at_ns, process,
                       history::OpType::invoke, op.f, op.key, op.value, 0});
    history.push_back({static_cast<std::int64_t>(history.size()), at_ns + 1, process,
                       history::OpType::ok, op.f, op.key, op.value, 0});
  };
  bool wrote = false;
  for (std::int64_t client = 0; client < 3 && scenario.script.empty(); ++client) {
    for (std::int64_t i = 0; i < 10; ++i) {
      const ScriptedOp op{(client * 10 + i) * 1'000'000, "write", history::Value::integer(i % 3),
                          history::Value::integer(client * 100 + i)};
      record(client, op.at_ns, op);
      wrote |= op.value == history::Value::integer(105);
    }
  }
  for (std::size_t client = 0; client < scenario.script.size(); ++client) {
    for (const ScriptedOp& op : scenario.script[client]) {
      record(static_cast<std::int64_t>(client), op.at_ns, op);
      wrote |= op.f == "write" && op.value == history::Value::integer(105);
    }
  }
  for (const auto& fault : scenario.timeline)
    outcome.faults.push_back({fault, fault.describe(), fault.at_ns + fault.duration_ns});
  const bool partitioned =
      std::any_of(scenario.timeline.begin(), scenario.timeline.end(),
                  [](const auto& f) { return f.kind == faults::FaultKind::partition; });
  if (wrote && partitioned) {
    outcome.verdict = RunVerdict::safety_violation;
    outcome.anomaly = "linearizability";
    outcome.history_judge = JudgeFinding{"history", "linearizability", "", {}, -1};
  }
  return outcome;
}

TEST(Shrink, ThePassesKeepExactlyWhatTheFailureNeeds) {
  Scenario scenario = register_demo_scenario();
  scenario.faults = {};
  scenario.clients = 3;
  faults::ScriptedFault partition;
  partition.kind = faults::FaultKind::partition;
  partition.at_ns = 40'000'000;
  partition.duration_ns = 100'000'000;
  partition.links = {{1, 2}, {2, 1}};
  faults::ScriptedFault crash;
  crash.kind = faults::FaultKind::crash;
  crash.node = 3;
  crash.at_ns = 10'000'000;
  crash.duration_ns = 50'000'000;
  scenario.timeline = {crash, partition};
  const RunOutcome original = synthetic_trial(scenario);
  ASSERT_EQ(original.verdict, RunVerdict::safety_violation);
  const ShrinkResult result =
      shrink(scenario, original, ShrinkBudget{}, synthetic_trial, [](auto&) {});
  const Scenario& minimal = result.minimal;
  ASSERT_EQ(minimal.script.size(), 1u) << "idle clients go";
  ASSERT_EQ(minimal.script[0].size(), 1u);
  EXPECT_EQ(minimal.script[0][0].value, history::Value::integer(105));
  ASSERT_EQ(minimal.timeline.size(), 1u);
  EXPECT_EQ(minimal.timeline[0].kind, faults::FaultKind::partition);
  EXPECT_LT(minimal.timeline[0].at_ns, 2'000'000) << "moved as early as it can go";
  EXPECT_LT(minimal.timeline[0].duration_ns, 2'000'000) << "and shortened";
  EXPECT_EQ(minimal.nodes, 2u) << "the partition needs nodes 1 and 2";
  EXPECT_FALSE(minimal.final_reads);
  EXPECT_EQ(result.after.ops, 1u);
  EXPECT_EQ(result.after.clients, 1u);
  EXPECT_EQ(result.before.ops, 30u);
  EXPECT_FALSE(result.trials_ran_out)
      << "a fixpoint, well inside the budget (" << result.trials << " trials)";
}

// The issue's example: read-without-quorum fails with thousands of ops and
// a dozen faults; its core is a few ops around one partition.
TEST(Shrink, AStaleReadShrinksToAHandfulOfOpsTheHistoryStillCatches) {
  const Scenario failing = bug_seed("raft", "raft.read-without-quorum", 2);
  const RunOutcome original = run_scenario(failing);
  const FailureSignature signature = failure_signature(original);
  ASSERT_EQ(signature.judge, "history");
  const ShrinkResult result = shrink(failing, original, ShrinkBudget{}, RunOptions{}, [](auto&) {});
  EXPECT_LE(result.after.ops, 20u);
  EXPECT_LE(result.after.faults, 2u);
  EXPECT_LT(result.after.ops * 50, result.before.ops);
  EXPECT_FALSE(result.trials_ran_out);

  RunOptions black_box;
  black_box.invariants = InvariantJudges::none;
  const RunOutcome alone = run_scenario(result.minimal, black_box);
  EXPECT_EQ(alone.verdict, RunVerdict::safety_violation) << "the history alone still catches it";
  const RunOutcome again = run_scenario(result.minimal);
  EXPECT_EQ(again.trace_hash, result.outcome.trace_hash) << "the minimal run replays exactly";
}

// A CRDT failure shows in a final read of one replica: the final readers
// become scripted clients that read where and when the originals did (and
// the run waits for them), so delta debugging keeps only the read that
// shows the resurrected element.
TEST(Shrink, AResurrectedElementShrinksToItsAddRemoveAndOneFinalRead) {
  const Scenario failing = bug_seed("crdt", "crdt.orswot-descends", 1);
  const RunOutcome original = run_scenario(failing);
  ASSERT_EQ(failure_signature(original).describe(), "safety-violation: history found resurrected");
  const ShrinkResult result = shrink(failing, original, ShrinkBudget{}, RunOptions{}, [](auto&) {});
  EXPECT_LE(result.after.ops, 4u);
  EXPECT_EQ(result.after.faults, 0u);
  std::size_t final_reads = 0;
  for (const ClientScript& script : result.minimal.script)
    for (const ScriptedOp& op : script) final_reads += op.final_read && !op.node.empty();
  EXPECT_GE(final_reads, 1u) << "the read that shows it is a scripted final read of one replica";
  RunOptions black_box;
  black_box.invariants = InvariantJudges::none;
  EXPECT_EQ(run_scenario(result.minimal, black_box).anomaly, "resurrected");
  EXPECT_EQ(run_scenario(result.minimal).trace_hash, result.outcome.trace_hash);
}

// The log's consumer that commits before it processes loses what it read
// when it crashes: the core is a subscribe, a send, the poll that crashes,
// the successor's subscribe and its poll past the lost offset.
TEST(Shrink, ACommitBeforeProcessShrinksToTheCrashThatLosesTheRead) {
  const Scenario failing = bug_seed("log", "log.commit-before-process", 1);
  const RunOutcome original = run_scenario(failing);
  ASSERT_EQ(failure_signature(original).describe(), "safety-violation: history found lost-write");
  const ShrinkResult result = shrink(failing, original, ShrinkBudget{}, RunOptions{}, [](auto&) {});
  EXPECT_LE(result.after.ops, 20u) << "issue 13's goal (11 when this was written)";
  EXPECT_EQ(result.after.faults, 0u);
  EXPECT_FALSE(result.trials_ran_out);
  EXPECT_EQ(run_scenario(result.minimal).trace_hash, result.outcome.trace_hash);
  // Replayable as `simlab replay` reads it: the log's replication factor
  // keeps as many brokers as it needs.
  EXPECT_NO_THROW(resolve_scenario(result.minimal, result.minimal.seed));
  EXPECT_GE(result.minimal.nodes, 2u);
}

TEST(Shrink, TheSameFailureMeansTheSameJudgeAndAnomaly) {
  RunOutcome caught;
  caught.verdict = RunVerdict::safety_violation;
  caught.history_judge = JudgeFinding{"history", "linearizability", "", {}, -1};
  caught.white_box = JudgeFinding{"observer", "raft.stale-local-read", "", 2u, 5};
  const FailureSignature signature = failure_signature(caught);
  EXPECT_EQ(signature.describe(), "safety-violation: history found linearizability");

  RunOutcome white_only = caught;
  white_only.history_judge.reset();
  EXPECT_FALSE(fails_the_same_way(signature, white_only)) << "black-box must stay black-box";
  EXPECT_TRUE(fails_the_same_way(failure_signature(white_only), caught))
      << "a run the history catches too still has the observer's finding";
  RunOutcome other_invariant = white_only;
  other_invariant.white_box->anomaly = "raft.election-safety";
  EXPECT_FALSE(fails_the_same_way(failure_signature(white_only), other_invariant));
}

}  // namespace
}  // namespace simlab

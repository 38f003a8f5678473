// The membership fault kind: it reads and writes as a scripted fault, and on
// the raft system a scripted removal really changes the configuration and
// its heal really re-adds the node, through the registry's admin hook.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "faults/scripted_fault.h"
#include "harness/run/run_scenario.h"

namespace simlab {
namespace {

using faults::FaultKind;
using faults::ScriptedFault;

TEST(MembershipFault, RoundTripsThroughJson) {
  ScriptedFault fault;
  fault.kind = FaultKind::membership;
  fault.at_ns = 5;
  fault.duration_ns = 7;
  fault.node = 3;
  fault.mode = "remove";
  const ScriptedFault back = faults::scripted_fault_from_json(faults::scripted_fault_to_json(fault), "t");
  EXPECT_EQ(back.kind, FaultKind::membership);
  EXPECT_EQ(back.node, 3u);
  EXPECT_EQ(back.mode, "remove");
  EXPECT_EQ(back.duration_ns, 7);
  EXPECT_EQ(faults::parse_fault_kind("membership"), FaultKind::membership);
}

TEST(MembershipFault, ARacingRemovalRoundTripsAndBelongsToRemovesOnly) {
  ScriptedFault fault;
  fault.kind = FaultKind::membership;
  fault.node = 2;
  fault.more_nodes = {4};
  fault.mode = "remove";
  const ScriptedFault back = faults::scripted_fault_from_json(faults::scripted_fault_to_json(fault), "t");
  EXPECT_EQ(back.more_nodes, (std::vector<NodeId>{4}));
  EXPECT_EQ(back.nodes(), (std::vector<NodeId>{2, 4}));
  EXPECT_NE(back.describe().find("n2,n4 at once"), std::string::npos) << back.describe();
  const nlohmann::json transfer = {{"kind", "membership"}, {"node", 1}, {"mode", "transfer"}, {"more_nodes", {2}}};
  EXPECT_THROW(faults::scripted_fault_from_json(transfer, "timeline[0]"), std::invalid_argument);
}

TEST(MembershipFault, RejectsAnUnknownMode) {
  const nlohmann::json bad = {{"kind", "membership"}, {"node", 1}, {"mode", "explode"}};
  EXPECT_THROW(faults::scripted_fault_from_json(bad, "timeline[0]"), std::invalid_argument);
}

bool has_line(const RunOutcome& outcome, const std::string& text) {
  return std::any_of(outcome.trace_lines.begin(), outcome.trace_lines.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

// Five Raft nodes, two clients, no random faults: one scripted removal of
// node 4 at 1 s (and of `more_nodes` with it), healed (re-added) after
// `held_ms`. Traced, so tests can read what Raft proposed.
RunOutcome run_removal(std::int64_t safety_ms, std::int64_t held_ms, std::vector<NodeId> more_nodes,
                       const std::string& bug) {
  Scenario scenario = register_demo_scenario();
  scenario.system = "raft";
  scenario.nodes = 5;
  scenario.clients = 2;
  scenario.safety_ms = safety_ms;
  scenario.liveness_ms = 3'000;
  scenario.faults = {};
  scenario.bug = bug;
  ScriptedFault remove;
  remove.kind = FaultKind::membership;
  remove.at_ns = 1'000 * kNanosecondsPerMillisecond;
  remove.duration_ns = held_ms * kNanosecondsPerMillisecond;
  remove.node = 4;
  remove.more_nodes = std::move(more_nodes);
  remove.mode = "remove";
  scenario.timeline = {remove};
  RunOptions options;
  options.keep_trace_lines = true;
  return run_scenario(resolve_scenario(scenario, 1), options);
}

TEST(MembershipFault, ScriptedRemovalChangesRaftMembershipAndHealReAdds) {
  const RunOutcome outcome = run_removal(3'000, 800, {}, "");
  EXPECT_EQ(outcome.verdict, RunVerdict::valid) << outcome.anomaly << " " << outcome.detail;
  EXPECT_TRUE(has_line(outcome, "proposing voters=(1 2 3 5)"));
  EXPECT_TRUE(has_line(outcome, "learners=(4)"));  // the re-add starts as a learner
}

// Two removals at the same instant: a correct Raft proposes one and refuses
// the other while it is uncommitted; raft.unsafe-membership proposes both.
RunOutcome racing_removals(const std::string& bug) { return run_removal(2'000, 500, {5}, bug); }

TEST(MembershipFault, RacingRemovalsReachTheLeaderTogether) {
  const RunOutcome correct = racing_removals("");
  EXPECT_EQ(correct.verdict, RunVerdict::valid) << correct.anomaly << " " << correct.detail;
  EXPECT_TRUE(has_line(correct, ": busy")) << "the second removal must wait for the first";
  const RunOutcome buggy = racing_removals("raft.unsafe-membership");
  EXPECT_FALSE(has_line(buggy, ": busy"));
  EXPECT_TRUE(has_line(buggy, "proposing voters=(1 2 3)")) << "both removals went in";
}

TEST(MembershipFault, SystemsWithoutAnAdminHookNeverGetTheKind) {
  Scenario scenario = register_demo_scenario();  // the register system
  scenario.faults.rate(FaultKind::membership) = 5.0;
  scenario.faults.strength(FaultKind::membership) = 1.0;
  scenario.swarm = true;
  const Scenario resolved = resolve_scenario(scenario, 3);
  EXPECT_EQ(resolved.faults.rate(FaultKind::membership), 0.0);
}

}  // namespace
}  // namespace simlab

// The nemesis's fault kinds and targets as a run records them: EIO and
// ENOSPC are drawn like every other kind, and targeted faults aim at the
// role they say (the leader the nodes report, several nodes at once).
#include <gtest/gtest.h>

#include <set>

#include "faults/scripted_fault.h"
#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"

namespace simlab {
namespace {

using faults::FaultKind;

Scenario only(FaultKind kind, double rate, double targeted) {
  Scenario scenario = scenario_from_flags({"", "raft", "", ""});
  scenario.swarm = false;
  scenario.faults.rate_per_s.fill(0);
  scenario.faults.rate(kind) = rate;
  scenario.faults.strength(kind) = 1.0;
  scenario.faults.targeted = targeted;
  scenario.safety_ms = 4'000;
  return scenario;
}

TEST(NemesisKinds, EioAndEnospcAreDrawnAtTheirRateAndHealed) {
  for (FaultKind kind : {FaultKind::eio, FaultKind::enospc}) {
    const RunOutcome outcome = run_scenario(resolve_scenario(only(kind, 2.0, 0), 3));
    EXPECT_EQ(outcome.verdict, RunVerdict::valid) << outcome.anomaly << " " << outcome.detail;
    ASSERT_GE(outcome.faults.size(), 2u) << faults::fault_kind_name(kind);
    for (const auto& event : outcome.faults) {
      EXPECT_EQ(event.fault.kind, kind);
      EXPECT_GE(event.fault.node, kFirstNodeId);
      EXPECT_GE(event.end_ns, event.fault.at_ns) << "every fault heals";
      if (kind == FaultKind::eio) {
        EXPECT_GT(event.fault.write_error, 0);
      }
    }
  }
}

TEST(NemesisTargets, TargetedCrashesHitTheLeaderOrSeveralNodesAtOnce) {
  const RunOutcome outcome = run_scenario(resolve_scenario(only(FaultKind::crash, 2.0, 1.0), 5));
  std::set<std::string> targets;
  for (const auto& event : outcome.faults) {
    targets.insert(event.fault.target);
    if (event.fault.target == "all") {
      EXPECT_EQ(event.fault.targets().size(), 5u);
      EXPECT_EQ(event.fault.mode, "lose-unsynced") << "several at once lose every unsynced write";
    }
    if (event.fault.target == "majority") {
      EXPECT_EQ(event.fault.targets().size(), 3u);
    }
  }
  EXPECT_TRUE(targets.contains("leader")) << "a crash aimed at the leader";
  EXPECT_TRUE(targets.contains("all") || targets.contains("majority"))
      << "a crash of several nodes";
  EXPECT_FALSE(targets.contains("")) << "targeted 1.0 aims every crash";
}

TEST(NemesisTargets, ATargetedPartitionCutsTheLeaderOffFromTheMajority) {
  const RunOutcome outcome =
      run_scenario(resolve_scenario(only(FaultKind::partition, 2.0, 1.0), 7));
  std::size_t aimed = 0;
  for (const auto& event : outcome.faults) {
    if (event.fault.target.empty()) continue;
    ++aimed;
    const NodeId focus = event.fault.links.empty() ? kNoNode : event.fault.links.front().first;
    std::set<NodeId> cut_from_focus;
    for (const auto& [from, to] : event.fault.links) {
      if (from == focus) cut_from_focus.insert(to);
    }
    if (event.fault.shape != "majorities-ring" && event.fault.shape != "bridge") {
      EXPECT_GE(cut_from_focus.size(), 2u) << event.detail << ": the focus is on the smaller side";
    }
  }
  EXPECT_GT(aimed, 0u);
}

// Bit flips are permanent damage: the nemesis spends them on at most as
// many nodes as the system says it survives (Raft: a minority; the log:
// none, without KIP-966's eligible leader replicas), and turns the rest
// into stalls.
std::set<NodeId> flipped_nodes(const RunOutcome& outcome, std::size_t& stalls) {
  std::set<NodeId> nodes;
  for (const auto& event : outcome.faults) {
    if (event.fault.kind != FaultKind::disk) continue;
    if (event.fault.mode == "flip") nodes.insert(event.fault.node);
    if (event.fault.mode == "stall") ++stalls;
  }
  return nodes;
}

Scenario log_disk_faults(int min_insync) {
  Scenario scenario = scenario_from_flags({"", "log", "", ""});
  scenario.swarm = false;
  scenario.faults.rate_per_s.fill(0);
  scenario.faults.rate(FaultKind::disk) = 4.0;
  scenario.safety_ms = 4'000;
  scenario.system_options = nlohmann::json::parse(
      R"({"log": {"replication_factor": 3, "min_insync": )" + std::to_string(min_insync) + "}}");
  return scenario;
}

TEST(NemesisBudget, DiskFlipsDamageNoMoreNodesThanTheSystemSurvives) {
  for (int min_insync : {1, 2}) {
    std::size_t stalls = 0;
    const RunOutcome log = run_scenario(resolve_scenario(log_disk_faults(min_insync), 3));
    EXPECT_TRUE(flipped_nodes(log, stalls).empty()) << "min_insync " << min_insync;
    EXPECT_GT(stalls, 0u) << "the flips it drew are stalls";
    EXPECT_EQ(log.verdict, RunVerdict::valid) << log.anomaly << " " << log.detail;
  }
  std::size_t stalls = 0;
  const RunOutcome raft = run_scenario(resolve_scenario(only(FaultKind::disk, 4.0, 0), 3));
  EXPECT_EQ(flipped_nodes(raft, stalls).size(), 2u) << "five Raft nodes survive two";
}

// A lost disk is the same budget's other half: Raft survives none (a member
// that forgot its vote can vote twice), so every disk loss drawn on it is a
// plain crash; the CRDT store survives one (a write is answered once two
// disks hold it), so one node loses its disk, perhaps more than once, the
// other draws crash, and the run stays valid. The faults read back from
// their JSON form, and say what they did.
TEST(NemesisBudget, DiskLossesEmptyNoMoreDisksThanTheSystemSurvives) {
  const RunOutcome raft = run_scenario(resolve_scenario(only(FaultKind::disk_loss, 3.0, 0), 3));
  std::size_t crashes = 0;
  for (const auto& event : raft.faults) {
    EXPECT_EQ(event.fault.kind, FaultKind::crash) << event.detail;
    ++crashes;
  }
  EXPECT_GE(crashes, 2u);
  EXPECT_EQ(raft.verdict, RunVerdict::valid) << raft.anomaly << " " << raft.detail;

  Scenario crdt = scenario_from_flags({"", "crdt", "", ""});
  crdt.swarm = false;
  crdt.faults.rate_per_s.fill(0);
  crdt.faults.rate(FaultKind::disk_loss) = 1.0;
  const RunOutcome outcome = run_scenario(resolve_scenario(crdt, 2));
  std::set<NodeId> lost;
  std::size_t lost_events = 0, crdt_crashes = 0;
  for (const auto& event : outcome.faults) {
    if (event.fault.kind == FaultKind::disk_loss) {
      lost.insert(event.fault.node);
      ++lost_events;
      EXPECT_NE(event.detail.find("its disk emptied"), std::string::npos) << event.detail;
      const faults::ScriptedFault back = faults::scripted_fault_from_json(
          faults::scripted_fault_to_json(event.fault), "timeline[0]");
      EXPECT_EQ(back.kind, FaultKind::disk_loss);
      EXPECT_EQ(back.node, event.fault.node);
    }
    crdt_crashes += event.fault.kind == FaultKind::crash;
  }
  EXPECT_EQ(lost.size(), 1u);
  EXPECT_FALSE(lost.contains(6) || lost.contains(7)) << "offline replicas keep their disks";
  EXPECT_GT(lost_events + crdt_crashes, 5u);
  EXPECT_GT(crdt_crashes, 0u) << "the draws beyond the budget are crashes";
  EXPECT_EQ(outcome.verdict, RunVerdict::valid) << outcome.anomaly << " " << outcome.detail;
}

// The offline kind cuts one of the system's offline replicas (the CRDT
// default's n6 and n7) off from every other node, both ways, for three
// times a fault's length; a system without offline replicas never gets it.
TEST(NemesisKinds, OfflineCutsAnOfflineReplicaOffFromEveryNode) {
  Scenario crdt = scenario_from_flags({"", "crdt", "", ""});
  crdt.swarm = false;
  crdt.faults.rate_per_s.fill(0);
  crdt.faults.rate(FaultKind::offline) = 1.0;
  const RunOutcome outcome = run_scenario(resolve_scenario(crdt, 3));
  ASSERT_FALSE(outcome.faults.empty());
  for (const auto& event : outcome.faults) {
    EXPECT_EQ(event.fault.kind, FaultKind::offline);
    EXPECT_TRUE(event.fault.node == 6 || event.fault.node == 7) << event.detail;
    EXPECT_EQ(event.fault.links.size(), 12u) << "to and from each of the 6 other nodes";
    EXPECT_EQ(event.fault.nodes().size(), 7u);
    EXPECT_NE(event.detail.find("cut off from every other node"), std::string::npos);
    const faults::ScriptedFault back = faults::scripted_fault_from_json(
        faults::scripted_fault_to_json(event.fault), "timeline[0]");
    EXPECT_EQ(back.links, event.fault.links);
    EXPECT_EQ(back.node, event.fault.node);
  }
  EXPECT_EQ(outcome.verdict, RunVerdict::valid) << outcome.anomaly << " " << outcome.detail;
  const RunOutcome raft = run_scenario(resolve_scenario(only(FaultKind::offline, 3.0, 0), 3));
  EXPECT_TRUE(raft.faults.empty());
}

}  // namespace
}  // namespace simlab

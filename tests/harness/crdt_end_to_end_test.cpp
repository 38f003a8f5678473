// The CRDT store (systems/crdt) wired into the lab: its default scenario
// equals scenarios/crdt-default.json, clean runs of every workload are valid
// under every judge with their final reads after the heal, and its planted
// bugs are found by the history's checker alone at their known seeds.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>

#include "harness/run/judge.h"
#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/systems/system_registry.h"

namespace simlab {
namespace {

Scenario crdt_scenario(const std::string& file, std::uint64_t seed, const std::string& bug = "") {
  Scenario scenario = load_scenario(std::string(SIMLAB_SOURCE_DIR) + "/scenarios/" + file);
  scenario.bug = bug;
  return resolve_scenario(scenario, seed);
}

std::size_t final_reads(const history::History& ops) {
  std::size_t count = 0;
  for (const history::Op& op : ops) count += op.type == history::OpType::ok && op.final_read;
  return count;
}

std::size_t keys_of(const history::History& ops) {
  std::set<std::string> keys;
  for (const history::Op& op : ops)
    if (op.key) keys.insert(op.key->as_string());
  return keys.size();
}

TEST(CrdtSystem, DefaultFileMatchesTheBuiltInDefault) {
  const Scenario built_in = scenario_from_flags({"", "crdt", "", ""});
  const Scenario file =
      load_scenario(std::string(SIMLAB_SOURCE_DIR) + "/scenarios/crdt-default.json");
  EXPECT_EQ(scenario_to_json(built_in), scenario_to_json(file));
  EXPECT_EQ(resolve_scenario(built_in, 1).checker, "set-full");
  EXPECT_EQ(crdt_scenario("crdt-counter.json", 1).checker, "pn-counter");
  EXPECT_EQ(crdt_scenario("crdt-register.json", 1).checker, "session");
  EXPECT_EQ(crdt_scenario("crdt-mv-register.json", 1).checker, "session");
}

TEST(CrdtSystem, CleanRunsOfEveryWorkloadAreValidAndEndInFinalReadsOfEveryReplica) {
  for (const char* file :
       {"crdt-default.json", "crdt-counter.json", "crdt-register.json", "crdt-mv-register.json"}) {
    for (std::uint64_t seed = 1; seed <= 2; ++seed) {
      const RunOutcome outcome = run_scenario(crdt_scenario(file, seed));
      EXPECT_EQ(outcome.verdict, RunVerdict::valid)
          << file << " seed " << seed << ": " << outcome.detail;
      EXPECT_TRUE(outcome.history_judged);
      // Every key, read once more on each replica once they agree (the
      // default's 5 servers and 2 offline replicas, the others' 5 servers):
      // a counter's or register's 8 keys; a set's 8 fresh keys a second.
      const std::size_t keys = keys_of(outcome.history);
      const std::size_t replicas = std::string(file) == "crdt-default.json" ? 7 : 5;
      EXPECT_EQ(final_reads(outcome.history), replicas * keys) << file << " seed " << seed;
      EXPECT_EQ(keys, std::string(file) == "crdt-default.json" ? 8u * 21 : 8u) << file;
    }
  }
}

// The default scenario's regions: their partitions cut one region off from
// the other two, every link between them both ways, and the shrinker's
// smaller clusters keep only the regions' remaining nodes.
TEST(CrdtSystem, ARegionPartitionCutsOneRegionOffFromTheOthers) {
  const Scenario base = crdt_scenario("crdt-default.json", 1);
  ASSERT_EQ(base.regions.nodes.size(), 3u);
  EXPECT_EQ(regions_within(base.regions, 3).nodes, (std::vector<std::vector<NodeId>>{{1, 2}, {3}}));
  std::size_t region_partitions = 0;
  for (std::uint64_t seed = 1; seed <= 6 && region_partitions == 0; ++seed) {
    const RunOutcome outcome = run_scenario(crdt_scenario("crdt-default.json", seed));
    for (const faults::FaultEvent& event : outcome.faults) {
      if (event.fault.shape != "region") continue;
      ++region_partitions;
      // Cutting {1, 2, 6, 7} blocks 4 x 3 links each way; {3, 4} 2 x 5; {5} 1 x 6.
      const std::size_t links = event.fault.links.size();
      EXPECT_TRUE(links == 24 || links == 20 || links == 12) << event.detail;
    }
  }
  EXPECT_GT(region_partitions, 0u) << "six seeds of the default scenario drew no region partition";
}

// Final reads of a key that differ are a liveness failure, "diverged",
// naming the key and the replicas: here a clean run's last final read of a
// set loses an element, judged by the convergence model alone (set-full
// would call the element lost first).
TEST(CrdtSystem, FinalReadsThatDifferAreALivenessFailureNamingTheReplicas) {
  RunOptions black_box;
  black_box.invariants = InvariantJudges::none;
  RunOutcome outcome = run_scenario(crdt_scenario("crdt-default.json", 1), black_box);
  ASSERT_EQ(outcome.verdict, RunVerdict::valid) << outcome.detail;
  history::Op* last_final = nullptr;
  for (history::Op& op : outcome.history) {
    if (op.type == history::OpType::ok && op.final_read && !op.value.as_list().empty())
      last_final = &op;
  }
  ASSERT_NE(last_final, nullptr);
  EXPECT_FALSE(last_final->node.empty()) << "final reads say which replica served them";
  history::Value::List elements = last_final->value.as_list();
  elements.pop_back();
  last_final->value = history::Value::list(std::move(elements));
  outcome.scenario.checker = "convergence";
  outcome.history_judged = false;
  judge_outcome(outcome);
  EXPECT_EQ(outcome.verdict, RunVerdict::liveness_failure);
  EXPECT_EQ(outcome.anomaly, "diverged");
  const std::string key = last_final->key->as_string();
  EXPECT_NE(outcome.detail.find("the replicas did not converge: key \"" + key + "\""),
            std::string::npos)
      << outcome.detail;
  EXPECT_NE(outcome.detail.find(last_final->node + " read"), std::string::npos) << outcome.detail;
}

// An outcome judged by `checker` whose history is register ops on key
// "r", each invoked and completed at once, 10 ns apart.
RunOutcome judged_register_outcome(const char* checker,
                                   std::initializer_list<std::tuple<int, const char*, int>> ops) {
  RunOutcome outcome;
  outcome.scenario.checker = checker;
  const auto op = [&](std::int64_t process, history::OpType type, const char* f, int value) {
    history::Op entry;
    entry.index = static_cast<std::int64_t>(outcome.history.size());
    entry.time = entry.index * 10;
    entry.process = process;
    entry.type = type;
    entry.f = f;
    entry.key = history::Value::string("r");
    entry.value = history::Value::integer(value);
    outcome.history.push_back(entry);
  };
  for (const auto& [process, f, value] : ops) {
    op(process, history::OpType::invoke, f, value);
    op(process, history::OpType::ok, f, value);
  }
  judge_outcome(outcome);
  return outcome;
}

// A run judged by the causal model: a read of an overwritten value after
// the reader's own write is a history finding named for its bad pattern,
// with the anomaly's ops in the explanation.
TEST(CrdtSystem, TheCausalModelJudgesARunsHistory) {
  const RunOutcome outcome = judged_register_outcome(
      "causal", {{0, "write", 1}, {1, "read", 1}, {1, "write", 2}, {1, "read", 1}});
  EXPECT_EQ(outcome.verdict, RunVerdict::safety_violation);
  EXPECT_EQ(outcome.anomaly, "write-co-read");
  EXPECT_EQ(outcome.failure_time_ns, 70);
  EXPECT_EQ(outcome.explanation["anomalies"][0]["ops"], nlohmann::json({0, 4, 6}));
}

// A run judged by ccv: two reads that order two writes both ways are a
// cyclic-cf finding whose ops are both writes and both reads.
TEST(CrdtSystem, TheCausalConvergenceModelNamesEveryReadOnTheCycle) {
  const RunOutcome outcome = judged_register_outcome("ccv", {{0, "write", 1},
                                                             {1, "write", 2},
                                                             {2, "read", 1},
                                                             {2, "read", 2},
                                                             {3, "read", 2},
                                                             {3, "read", 1}});
  EXPECT_EQ(outcome.verdict, RunVerdict::safety_violation);
  EXPECT_EQ(outcome.anomaly, "cyclic-cf");
  EXPECT_EQ(outcome.explanation["anomalies"][0]["ops"], nlohmann::json({0, 2, 6, 10}));
}

// Every planted bug is found by the history alone (--invariants none):
//   crdt.delta-lost   an acknowledged add that other replicas never receive
//                     is missing from their final reads (set-full's lost);
//                     of a counter or an MV register, the replicas' final
//                     reads differ for good (diverged, a liveness failure)
//   crdt.orswot-descends, crdt.remove-keeps-common-dots
//                     a removed element is back in a final read (resurrected)
//   crdt.lww-wall-clock  behind a skewed clock, a client's write loses to
//                     the value it had read (read your writes)
//   crdt.actor-reuse  after a lost disk, a server's new adds reuse dots the
//                     others have seen, and vanish (lost); of a counter, its
//                     new increments hide under its old entry (wrong final read);
//                     of an MV register, a write is missing from a read
//                     that had seen a later write of its writer (monotonic
//                     writes)
//   crdt.sync-false-in-sync  a remove never reaches an offline replica, whose
//                     final read still holds the element (resurrected)
// The same seeds without the bug are valid.
TEST(CrdtSystem, EveryPlantedBugIsFoundByTheHistoryAloneAtItsKnownSeeds) {
  RunOptions black_box;
  black_box.invariants = InvariantJudges::none;
  const struct {
    const char* file;
    std::uint64_t seed;
    const char* bug;
    const char* anomaly;
  } cases[] = {{"crdt-default.json", 1, "crdt.delta-lost", "lost"},
               {"crdt-counter.json", 14, "crdt.delta-lost", "diverged"},
               {"crdt-default.json", 1, "crdt.orswot-descends", "resurrected"},
               {"crdt-default.json", 1, "crdt.remove-keeps-common-dots", "resurrected"},
               {"crdt-register.json", 2, "crdt.lww-wall-clock", "read-your-writes"},
               {"crdt-default.json", 2, "crdt.actor-reuse", "lost"},
               {"crdt-counter.json", 2, "crdt.actor-reuse", "wrong-final-read"},
               {"crdt-mv-register.json", 7, "crdt.actor-reuse", "monotonic-writes"},
               {"crdt-mv-register.json", 18, "crdt.delta-lost", "diverged"},
               {"crdt-default.json", 1, "crdt.sync-false-in-sync", "resurrected"}};
  std::set<std::pair<std::string, std::uint64_t>> clean_runs;
  for (const auto& known : cases) {
    const RunOutcome buggy =
        run_scenario(crdt_scenario(known.file, known.seed, known.bug), black_box);
    const RunVerdict expected = std::string(known.anomaly) == "diverged"
                                    ? RunVerdict::liveness_failure
                                    : RunVerdict::safety_violation;
    EXPECT_EQ(buggy.verdict, expected) << known.file << " " << known.bug;
    EXPECT_EQ(buggy.anomaly, known.anomaly) << known.bug << ": " << buggy.detail;
    if (!clean_runs.emplace(known.file, known.seed).second) continue;
    const RunOutcome clean = run_scenario(crdt_scenario(known.file, known.seed), black_box);
    EXPECT_EQ(clean.verdict, RunVerdict::valid) << known.file << ": " << clean.detail;
  }
}

}  // namespace
}  // namespace simlab

// Real nodes end to end, through the simlab binary: a short Raft run under a
// partition, a crash, a pause and a clock jump is linearizable and reported;
// a planted bug that acknowledges appends before fsync loses a write the
// checker finds once a crash takes the unsynced data; the real run's faults
// run again in the simulator; nothing of a run is left behind, even when
// it is interrupted or the harness itself is killed; a short commit-log run
// with transactions and a short CRDT run are valid too.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "real/host_commands.h"
#include "tests/harness/cli_support.h"
#include "tests/real/real_support.h"

namespace simlab::real::testing {
namespace {

namespace fs = std::filesystem;
using simlab::testing::run_simlab;
using simlab::testing::scratch_folder;
using simlab::testing::write_file;

// Three nodes, three seconds of faults: a one-node partition, a crash, a
// pause, a clock jump back on the partitioned node.
constexpr const char* kShortScenario = R"({
  "name": "raft-real-short", "system": "raft", "nodes": 3, "clients": 3,
  "safety_ms": 3000, "liveness_ms": 5000, "op_timeout_ms": 1000, "think_ms_max": 20,
  "timeline": [
    {"at_ns": 500000000, "duration_ns": 600000000, "kind": "partition", "shape": "one-node", "links": [[1,2],[2,1],[1,3],[3,1]]},
    {"at_ns": 1300000000, "duration_ns": 400000000, "kind": "crash", "node": 2},
    {"at_ns": 1900000000, "duration_ns": 300000000, "kind": "pause", "node": 3},
    {"at_ns": 2300000000, "duration_ns": 400000000, "kind": "clock", "node": 1, "mode": "jump", "amount": -2000000000}],
  "system_options": {"raft": {"election_ticks": 6}}})";

// Leadership moved to n1; n2 and n3's disks stall (their fsyncs cannot
// finish) while n1 commits on their acknowledgements; then all three are
// killed, losing what was not synced, and n2 and n3 come back first.
constexpr const char* kLostWritesScenario = R"({
  "name": "raft-real-lost-writes", "system": "raft", "nodes": 3, "clients": 3,
  "safety_ms": 3000, "liveness_ms": 5000, "op_timeout_ms": 1000, "think_ms_max": 5,
  "timeline": [
    {"at_ns": 300000000, "duration_ns": 0, "kind": "membership", "mode": "transfer", "node": 1},
    {"at_ns": 1000000000, "duration_ns": 1000000000, "kind": "disk", "mode": "stall", "node": 2},
    {"at_ns": 1000000000, "duration_ns": 1000000000, "kind": "disk", "mode": "stall", "node": 3},
    {"at_ns": 1600000000, "duration_ns": 900000000, "kind": "crash", "node": 1, "mode": "lose-unsynced"},
    {"at_ns": 1600000000, "duration_ns": 300000000, "kind": "crash", "node": 2, "more_nodes": [3], "mode": "lose-unsynced"}],
  "system_options": {"raft": {"election_ticks": 6}}})";

nlohmann::json read_json(const fs::path& path) {
  nlohmann::json json;
  std::ifstream(path) >> json;
  return json;
}

TEST(RealRun, AShortRaftRunUnderFaultsIsLinearizableReportedAndLeavesNothing) {
  SIMLAB_REQUIRE_REAL_NODES();
  const fs::path dir = scratch_folder("real-short");
  const std::string scenario = write_file(dir / "scenario.json", kShortScenario);
  const auto ran = run_simlab(fmt::format("run --real --scenario {} --seed 3 --out {}/run --db ''",
                                          scenario, dir.string()));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  const nlohmann::json result = read_json(dir / "run" / "result.json");
  EXPECT_EQ(result["driver"], "real");
  EXPECT_EQ(result["deterministic"], false);
  EXPECT_EQ(result["judges"]["ran"], nlohmann::json::array({"history", "nodes"}))
      << "no observer on real nodes";
  ASSERT_EQ(result["faults"].size(), 4u);
  for (const auto& fault : result["faults"]) {
    EXPECT_GE(fault["end_ns"].get<std::int64_t>(), fault["start_ns"].get<std::int64_t>())
        << fault["detail"];
  }
  EXPECT_GT(result["ops"].get<int>(), 100);
  EXPECT_TRUE(fs::exists(dir / "run" / "index.html"));
  const auto check = run_simlab(fmt::format("check --model kv {}/run/history.jsonl", dir.string()));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

// The commit log on real nodes: three brokers, a partition of one and a
// crash, producers that pipeline sends and run transactions, consumers that
// read committed.
constexpr const char* kShortLogScenario = R"({
  "name": "log-real-short", "system": "log", "nodes": 3, "clients": 6,
  "safety_ms": 3000, "liveness_ms": 6000, "op_timeout_ms": 1000, "think_ms_max": 10,
  "timeline": [
    {"at_ns": 700000000, "duration_ns": 600000000, "kind": "partition", "shape": "one-node", "links": [[1,2],[2,1],[1,3],[3,1]]},
    {"at_ns": 1800000000, "duration_ns": 400000000, "kind": "crash", "node": 2}],
  "system_options": {"log": {"partitions": 3}}})";

TEST(RealRun, AShortLogRunWithTransactionsIsValidAndLeavesNothing) {
  SIMLAB_REQUIRE_REAL_NODES();
  const fs::path dir = scratch_folder("real-log");
  const std::string scenario = write_file(dir / "scenario.json", kShortLogScenario);
  const auto ran = run_simlab(fmt::format("run --real --scenario {} --seed 4 --out {}/run --db ''",
                                          scenario, dir.string()));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  std::ifstream history(dir / "run" / "history.jsonl");
  std::size_t committed = 0;
  std::size_t pipelined = 0;
  for (std::string line; std::getline(history, line);) {
    const nlohmann::json op = nlohmann::json::parse(line);
    if (op["type"] != "ok") continue;
    if (op["f"] == "txn") ++committed;
    if (op["f"] == "send" && op["value"].size() > 1) ++pipelined;
  }
  EXPECT_GT(committed, 0u) << "transactions committed on real brokers";
  EXPECT_GT(pipelined, 0u) << "sends of several values in flight";
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

// The CRDT store on real nodes: three servers and an offline replica (n4),
// one server cut off, one crashed and one that loses its disk (its files
// removed while it is down), and n4 offline for a while, while clients add
// to sets; every replica's final reads agree, the set-full checker finds
// nothing lost, and the sync merges are in the run's audit trail.
constexpr const char* kShortCrdtScenario = R"({
  "name": "crdt-real-short", "system": "crdt", "workload": "set", "nodes": 4, "clients": 6,
  "safety_ms": 3000, "liveness_ms": 6000, "op_timeout_ms": 500, "think_ms_max": 20,
  "system_options": {"crdt": {"offline_replicas": 1}},
  "timeline": [
    {"at_ns": 200000000, "duration_ns": 1500000000, "kind": "offline", "node": 4, "links": [[4,1],[1,4],[4,2],[2,4],[4,3],[3,4]]},
    {"at_ns": 500000000, "duration_ns": 800000000, "kind": "partition", "shape": "one-node", "links": [[1,2],[2,1],[1,3],[3,1]]},
    {"at_ns": 1800000000, "duration_ns": 400000000, "kind": "crash", "node": 2},
    {"at_ns": 2300000000, "duration_ns": 300000000, "kind": "disk-loss", "node": 3}]})";

TEST(RealRun, AShortCrdtRunConvergesWithNothingLostAndLeavesNothing) {
  SIMLAB_REQUIRE_REAL_NODES();
  const fs::path dir = scratch_folder("real-crdt");
  const std::string scenario = write_file(dir / "scenario.json", kShortCrdtScenario);
  const auto ran = run_simlab(fmt::format("run --real --scenario {} --seed 5 --out {}/run --db ''",
                                          scenario, dir.string()));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  std::ifstream history(dir / "run" / "history.jsonl");
  std::size_t final_reads = 0;
  std::set<std::string> keys;
  for (std::string line; std::getline(history, line);) {
    const nlohmann::json op = nlohmann::json::parse(line);
    if (op.contains("key")) keys.insert(op["key"].get<std::string>());
    if (op["type"] == "ok" && op.value("final", false)) ++final_reads;
  }
  EXPECT_EQ(keys.size(), 32u) << "8 fresh keys a second, for 3 s and the heal";
  EXPECT_EQ(final_reads, 4 * keys.size()) << "every key read on each of the 4 replicas";
  const auto check =
      run_simlab(fmt::format("check --model set-full {}/run/history.jsonl", dir.string()));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  const nlohmann::json result = read_json(dir / "run" / "result.json");
  const nlohmann::json& faults = result["faults"];
  ASSERT_EQ(faults.size(), 4u);
  EXPECT_NE(faults[0]["detail"].get<std::string>().find("offline n4"), std::string::npos);
  std::set<std::int64_t> auditors;
  for (const auto& record : result["audit"]["records"])
    auditors.insert(record["node"].get<std::int64_t>());
  EXPECT_EQ(auditors, (std::set<std::int64_t>{1, 4})) << "n4 and its home server merged";
  const std::string lost = faults[3]["detail"].get<std::string>();
  EXPECT_NE(lost.find("disk loss n3"), std::string::npos) << lost;
  EXPECT_EQ(lost.find("(SIGKILL; 0 files removed)"), std::string::npos) << lost;
  EXPECT_NE(lost.find("files removed"), std::string::npos) << lost;
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

// LWW registers on real nodes in two regions, the second cut off for a
// while: the run says the regions' latency is not applied there, and the
// history keeps the session guarantees and converges.
constexpr const char* kShortRegisterScenario = R"({
  "name": "crdt-real-registers", "system": "crdt", "workload": "register", "nodes": 3,
  "clients": 4, "safety_ms": 2000, "liveness_ms": 5000, "op_timeout_ms": 500, "think_ms_max": 20,
  "regions": {"nodes": [[1, 2], [3]], "latency_ms": [20, 40]},
  "timeline": [
    {"at_ns": 400000000, "duration_ns": 900000000, "kind": "partition", "shape": "region", "links": [[3,1],[1,3],[3,2],[2,3]]}]})";

TEST(RealRun, RegistersInRegionsKeepTheirSessionsAndConverge) {
  SIMLAB_REQUIRE_REAL_NODES();
  const fs::path dir = scratch_folder("real-registers");
  const std::string scenario = write_file(dir / "scenario.json", kShortRegisterScenario);
  const auto ran = run_simlab(fmt::format("run --real --scenario {} --seed 2 --out {}/run --db ''",
                                          scenario, dir.string()));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("the latency between regions is not applied on real nodes"),
            std::string::npos)
      << ran.output;
  for (const char* model : {"session", "convergence"}) {
    const auto check =
        run_simlab(fmt::format("check --model {} {}/run/history.jsonl", model, dir.string()));
    EXPECT_EQ(check.exit_code, 0) << model << ": " << check.output;
  }
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

TEST(RealRun, WritesAcknowledgedBeforeFsyncAreLostAndTheCheckerFindsIt) {
  SIMLAB_REQUIRE_REAL_NODES();
  const fs::path dir = scratch_folder("real-lost-writes");
  const std::string scenario = write_file(dir / "scenario.json", kLostWritesScenario);
  const auto buggy =
      run_simlab(fmt::format("run --real --scenario {} --bug raft.ack-before-fsync --seed 1 --out "
                             "{}/buggy --db '' --write-timeline {}/timeline.json",
                             scenario, dir.string(), dir.string()));
  EXPECT_EQ(buggy.exit_code, 1) << buggy.output;
  EXPECT_NE(buggy.output.find("caught by: history"), std::string::npos) << buggy.output;
  const auto clean = run_simlab(fmt::format(
      "run --real --scenario {} --seed 1 --out {}/clean --db ''", scenario, dir.string()));
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  // The faults the real run saw, as a script the simulator runs.
  const nlohmann::json timeline = read_json(dir / "timeline.json");
  EXPECT_EQ(timeline["timeline"].size(), 5u);
  const auto simulated = run_simlab(fmt::format(
      "run --scenario {}/timeline.json --out {}/sim --db ''", dir.string(), dir.string()));
  EXPECT_TRUE(simulated.exit_code == 0 || simulated.exit_code == 1) << simulated.output;
  EXPECT_EQ(read_json(dir / "sim" / "result.json")["faults"].size(), 5u);
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

// Starts `simlab ARGS` in the background; returns its pid.
pid_t start_simlab(const std::string& arguments) {
  const pid_t child = fork();
  if (child == 0) {
    execl("/bin/sh", "sh", "-c",
          fmt::format("exec {}/simlab {} >/dev/null 2>&1", SIMLAB_BINARY_DIR, arguments).c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return child;
}

TEST(RealRun, AnInterruptedRunRemovesEverythingItMade) {
  SIMLAB_REQUIRE_REAL_NODES();
  const fs::path dir = scratch_folder("real-interrupted");
  const std::string scenario = write_file(dir / "scenario.json", kShortScenario);
  for (const int after_ms : {300, 1500}) {
    const pid_t run = start_simlab(
        fmt::format("run --real --scenario {} --out {}/run --db ''", scenario, dir.string()));
    usleep(after_ms * 1000);
    kill(run, SIGINT);
    int status = 0;
    waitpid(run, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130)
        << "SIGINT after " << after_ms << " ms";
    EXPECT_EQ(leftovers(), std::vector<std::string>{}) << "SIGINT after " << after_ms << " ms";
  }
}

TEST(RealRun, AfterTheHarnessIsKilledRealCleanupRemovesTheRest) {
  SIMLAB_REQUIRE_REAL_NODES();
  const fs::path dir = scratch_folder("real-killed");
  const std::string scenario = write_file(dir / "scenario.json", kShortScenario);
  const pid_t run = start_simlab(
      fmt::format("run --real --scenario {} --out {}/run --db ''", scenario, dir.string()));
  usleep(1'200'000);
  kill(run, SIGKILL);
  waitpid(run, nullptr, 0);
  usleep(200'000);  // the nodes die with their parent (PR_SET_PDEATHSIG)
  const auto cleanup = run_simlab("real-cleanup");
  EXPECT_EQ(cleanup.exit_code, 0) << cleanup.output;
  EXPECT_NE(cleanup.output.find("removed network namespace"), std::string::npos) << cleanup.output;
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

TEST(RealRun, WithoutRootItIsUnavailable) {
  SIMLAB_REQUIRE_REAL_NODES();
  const CommandResult ran =
      run_command({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                   std::string(SIMLAB_BINARY_DIR) + "/simlab", "run", "--real", "--db", "", "--out",
                   "/tmp/simlab-not-root"});
  EXPECT_EQ(ran.status, 69) << ran.output;
  EXPECT_NE(ran.output.find("real nodes need root"), std::string::npos) << ran.output;
}

}  // namespace
}  // namespace simlab::real::testing

// The CRDT store in the simulator kernel itself (no harness): three
// replicas, set clients on fibers, a partition of one replica, crashes that
// lose unsynced writes (every replica at once among them), a lost disk,
// BUGGIFY on (early compactions, whole-state sends), then a heal. No
// invariant breaks, the replicas converge to one state, and set-full finds
// every acknowledged element in it and no removed one. This suite runs
// under the sanitizers in CI.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "checkers/set/set_full.h"
#include "sim/simulator.h"
#include "systems/crdt/crdt_node.h"
#include "systems/crdt/crdt_observer.h"
#include "workloads/crdt_workload.h"

namespace simlab::crdt {
namespace {

constexpr std::int64_t kSecond = kNanosecondsPerSecond;
constexpr std::int64_t kClients = 6;

void schedule_faults(sim::Simulator& simulator) {
  sim::Simulator* s = &simulator;
  s->at(1 * kSecond, [s] { s->network().partition({{1}, {2, 3}}); });
  s->at(2 * kSecond, [s] { s->network().heal_partitions(); });
  s->at(2'500'000'000, [s] { s->crash(2); });
  s->at(3 * kSecond, [s] { s->restart(2); });
  s->at(4 * kSecond, [s] {
    for (NodeId node = 1; node <= 3; ++node) s->crash(node, true);
  });
  s->at(4'600'000'000, [s] {
    for (NodeId node = 1; node <= 3; ++node) s->restart(node);
  });
}

struct CrdtCluster {
  explicit CrdtCluster(std::uint64_t seed,
                       std::int64_t key_period_ns = CrdtWorkloadOptions{}.key_period_ns)
      : simulator(config_for(seed, factory)) {
    simulator.start();
    options.process_stride = kClients;
    options.key_period_ns = key_period_ns;
    options.writes_end_ns = 6 * kSecond;
    for (std::int64_t client = 0; client < kClients; ++client) {
      envs.push_back(simulator.client_env("client-" + std::to_string(client)));
      ClientEnv* env = envs.back().get();
      simulator.spawn("client",
                      [this, env, client] { run_crdt_client(*env, recorder, client, options); });
    }
  }
  CrdtCluster(const CrdtCluster&) = delete;
  CrdtCluster& operator=(const CrdtCluster&) = delete;

  static sim::SimConfig config_for(std::uint64_t seed, const CrdtFactory& factory) {
    sim::SimConfig config;
    config.seed = seed;
    config.node_count = 3;
    config.factory = &factory;
    config.buggify = true;
    return config;
  }

  const CrdtFactory factory;
  HistoryRecorder recorder;
  CrdtWorkloadOptions options;
  sim::Simulator simulator;
  std::vector<std::unique_ptr<ClientEnv>> envs;
};

// The run's history judged by set-full, with the converged state of
// `replica` read as one last read of each key: every acknowledged add must
// be in it.
set_full::SetFullResult check_converged(CrdtCluster& cluster, const CrdtNode& replica) {
  cluster.recorder.close_pending(cluster.simulator.now_ns());
  history::History history = cluster.recorder.take();
  std::int64_t time_ns = cluster.simulator.now_ns();
  for (const auto& [key, set] : replica.state().sets) {
    history::Value::List elements;
    for (const std::int64_t element : set.elements())
      elements.push_back(history::Value::integer(element));
    for (const history::OpType type : {history::OpType::invoke, history::OpType::ok}) {
      history::Op op;
      op.index = static_cast<std::int64_t>(history.size());
      op.time = ++time_ns;
      op.process = 1'000'000'000;
      op.type = type;
      op.f = "read";
      op.key = history::Value::string(key);
      if (type == history::OpType::ok) op.value = history::Value::list(elements);
      history.push_back(op);
    }
  }
  return set_full::check_set_full(history);
}

TEST(SimulatedCrdt, ReplicasConvergeWithEveryAcknowledgedElementUnderPartitionsAndCrashes) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CrdtCluster cluster(seed);
    sim::Simulator& simulator = cluster.simulator;
    schedule_faults(simulator);
    simulator.run_until(9 * kSecond);  // three seconds after the writes stop
    ASSERT_FALSE(simulator.failure().has_value())
        << "seed " << seed << ": " << simulator.failure()->invariant << " "
        << simulator.failure()->detail;
    const auto* first = dynamic_cast<const CrdtNode*>(simulator.node(1));
    ASSERT_NE(first, nullptr);
    for (NodeId id = 2; id <= 3; ++id) {
      const auto* replica = dynamic_cast<const CrdtNode*>(simulator.node(id));
      ASSERT_NE(replica, nullptr);
      EXPECT_EQ(replica->state(), first->state())
          << "seed " << seed << ": n" << id << " differs from n1";
    }
    simulator.request_stop();
    simulator.run_until(10 * kSecond);
    const set_full::SetFullResult checked = check_converged(cluster, *first);
    EXPECT_EQ(checked.lost, 0u) << "seed " << seed;
    EXPECT_EQ(checked.unexpected, 0u) << "seed " << seed;
    EXPECT_EQ(checked.resurrected, 0u) << "seed " << seed;
    EXPECT_GT(checked.removed, 10u) << "seed " << seed;  // removes that stayed removed
    EXPECT_GT(checked.acknowledged, 100u) << "seed " << seed;
  }
}

// A write waits for a second disk, but not for the gossip tick: a batch
// goes to every idle peer once it is durable, so with no faults the median
// add is answered in a round trip and two fsyncs, well inside the 50 ms
// between ticks (it would wait half a tick on average otherwise).
TEST(SimulatedCrdt, AWriteIsShippedAtOnceNotAtTheNextGossipTick) {
  CrdtCluster cluster(1);
  cluster.simulator.run_until(2 * kSecond);
  cluster.recorder.close_pending(cluster.simulator.now_ns());
  const history::History history = cluster.recorder.take();
  std::map<std::int64_t, std::int64_t> invoked_ns;  // process -> its open add's invocation
  std::vector<std::int64_t> latencies_ns;
  for (const history::Op& op : history) {
    if (op.f != "add") continue;
    if (op.type == history::OpType::invoke) invoked_ns[op.process] = op.time;
    if (op.type == history::OpType::ok) latencies_ns.push_back(op.time - invoked_ns[op.process]);
  }
  ASSERT_GT(latencies_ns.size(), 50u);
  std::sort(latencies_ns.begin(), latencies_ns.end());
  const std::int64_t median_ns = latencies_ns[latencies_ns.size() / 2];
  EXPECT_LT(median_ns, kGossipInterval_ns / 4) << "median add latency " << median_ns << " ns";
  cluster.simulator.request_stop();
  cluster.simulator.run_until(3 * kSecond);
}

// Crashes every 61 ms, one replica after another, while clients add to
// fresh keys (a new key every 20 ms): a write that waits for the WAL when
// its replica crashes must leave nothing behind, not even an empty set, or
// the recovered replica would seem to have lost a key it held.
TEST(SimulatedCrdt, AWriteLostInACrashLeavesNoTraceInTheRecoveredState) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    CrdtCluster cluster(seed, 20 * kNanosecondsPerMillisecond);
    sim::Simulator* s = &cluster.simulator;
    for (std::int64_t step = 0; step < 40; ++step) {
      const auto node = static_cast<NodeId>(1 + step % 3);
      const std::int64_t at_ns = 500'000'000 + step * 61'000'000;
      s->at(at_ns, [s, node] { s->crash(node); });
      s->at(at_ns + 30'000'000, [s, node] { s->restart(node); });
    }
    s->run_until(4 * kSecond);
    ASSERT_FALSE(s->failure().has_value())
        << "seed " << seed << ": " << s->failure()->invariant << " " << s->failure()->detail;
    s->request_stop();
    s->run_until(5 * kSecond);
  }
}

// One replica loses its disk while clients write (its machine replaced:
// crash, an empty disk, restart): every acknowledged add is still in the
// converged state, since a write is answered only once a second disk holds
// it, and the replica comes back as a new actor, so its new dots collide
// with none it issued before. The observer (on) finds no dot issued twice.
TEST(SimulatedCrdt, ADiskLossLosesNoAcknowledgedWriteAndItsReplicaWritesAsANewActor) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CrdtCluster cluster(seed);
    sim::Simulator* s = &cluster.simulator;
    ActorId before = 0;
    s->at(1'400'000'000, [s, &before] {
      before = dynamic_cast<const CrdtNode*>(s->node(2))->actor();
      s->lose_disk(2);
    });
    s->at(2 * kSecond, [s] { s->restart(2); });
    s->run_until(9 * kSecond);
    ASSERT_FALSE(s->failure().has_value())
        << "seed " << seed << ": " << s->failure()->invariant << " " << s->failure()->detail;
    const auto* lost = dynamic_cast<const CrdtNode*>(s->node(2));
    const auto* other = dynamic_cast<const CrdtNode*>(s->node(1));
    ASSERT_TRUE(lost != nullptr && other != nullptr && lost->serving());
    EXPECT_NE(lost->actor(), before) << "seed " << seed;
    EXPECT_EQ(lost->state(), other->state()) << "seed " << seed;
    s->request_stop();
    s->run_until(10 * kSecond);
    const set_full::SetFullResult checked = check_converged(cluster, *other);
    EXPECT_EQ(checked.lost, 0u) << "seed " << seed;
    EXPECT_EQ(checked.resurrected, 0u) << "seed " << seed;
    EXPECT_GT(checked.acknowledged, 100u) << "seed " << seed;
  }
}

// A restarted replica's peers have acknowledged nothing of its new boot,
// so each of its durable batches goes to them as its whole state: that
// state must hold the batch's writes, or a peer's acknowledgement of the
// batch's sequence would answer writes only this disk has, and losing it
// then loses them (twelve restarts, then the disk: with the whole state
// sent before the batch joined it, seed 1 lost writes).
TEST(SimulatedCrdt, AWriteAnsweredRightAfterARestartSurvivesTheLossOfItsDisk) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CrdtCluster cluster(seed);
    sim::Simulator* s = &cluster.simulator;
    for (std::int64_t restart = 0; restart < 12; ++restart) {  // twelve new boots
      const std::int64_t at_ns = 500'000'000 + restart * 300'000'000;
      s->at(at_ns, [s] { s->crash(2); });
      s->at(at_ns + 20'000'000, [s] { s->restart(2); });
    }
    s->at(4'400'000'000, [s] { s->lose_disk(2); });
    s->at(4'600'000'000, [s] { s->restart(2); });
    s->run_until(9 * kSecond);
    ASSERT_FALSE(s->failure().has_value())
        << "seed " << seed << ": " << s->failure()->invariant << " " << s->failure()->detail;
    s->request_stop();
    s->run_until(10 * kSecond);
    const auto* other = dynamic_cast<const CrdtNode*>(s->node(1));
    ASSERT_NE(other, nullptr);
    const set_full::SetFullResult checked = check_converged(cluster, *other);
    EXPECT_EQ(checked.lost, 0u) << "seed " << seed;
    EXPECT_GT(checked.acknowledged, 100u) << "seed " << seed;
  }
}

// With crdt.actor-reuse the replica comes back under its old actor with its
// dots at zero: the observer sees a replica holding dots of that actor the
// actor has not issued (yet again).
TEST(SimulatedCrdt, WithActorReuseAReplicaThatLostItsDiskIssuesDotsOthersHaveSeen) {
  const CrdtFactory factory;
  sim::SimConfig config = CrdtCluster::config_for(1, factory);
  config.node_template.bugs = {kActorReuseBug};
  sim::Simulator simulator(config);
  simulator.start();
  HistoryRecorder recorder;
  CrdtWorkloadOptions options;
  options.process_stride = kClients;
  std::vector<std::unique_ptr<ClientEnv>> envs;
  for (std::int64_t client = 0; client < kClients; ++client) {
    envs.push_back(simulator.client_env("client-" + std::to_string(client)));
    ClientEnv* env = envs.back().get();
    simulator.spawn("client", [&recorder, &options, env, client] {
      run_crdt_client(*env, recorder, client, options);
    });
  }
  sim::Simulator* s = &simulator;
  ActorId before = 0;
  s->at(1'400'000'000, [s, &before] {
    before = dynamic_cast<const CrdtNode*>(s->node(2))->actor();
    s->lose_disk(2);
  });
  s->at(1'600'000'000, [s] { s->restart(2); });
  s->run_until(4 * kSecond);
  ASSERT_TRUE(s->failure().has_value());
  EXPECT_EQ(s->failure()->invariant, "crdt.dots-issued-twice") << s->failure()->detail;
  EXPECT_EQ(dynamic_cast<const CrdtNode*>(s->node(2))->actor(), before);
  s->request_stop();
  s->run_until(5 * kSecond);
}

// A scripted client writes only before the heal, as a drawn one does: a
// shrunk run whose safety phase ended earlier skips the writes after it
// instead of racing them against the final reads.
TEST(SimulatedCrdt, AScriptedWriteAfterTheHealIsSkipped) {
  const CrdtFactory factory;
  sim::Simulator simulator(CrdtCluster::config_for(1, factory));
  simulator.start();
  HistoryRecorder recorder;
  CrdtWorkloadOptions options;
  options.writes_end_ns = 1 * kSecond;
  const ClientScript script = {
      {100'000'000, "add", history::Value::string("k0"), history::Value::integer(7)},
      {1'500'000'000, "add", history::Value::string("k0"), history::Value::integer(8)},
      {1'600'000'000, "read", history::Value::string("k0"), history::Value()}};
  const auto env = simulator.client_env("client-0");
  simulator.spawn("client", [&] { run_crdt_client(*env, recorder, 0, options, &script); });
  simulator.run_until(3 * kSecond);
  const history::History history = recorder.take();
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].f, "add");
  EXPECT_EQ(history[2].f, "read");
  EXPECT_EQ(history[3].value, history::Value::list({history::Value::integer(7)}));
  simulator.request_stop();
}

// A scripted final reader's read goes to the replica it names, marked
// final, whatever replica its process would pick; a node the run lacks is
// refused before anything is sent.
TEST(SimulatedCrdt, AScriptedReadNamingAReplicaGoesThereMarkedFinal) {
  const CrdtFactory factory;
  sim::Simulator simulator(CrdtCluster::config_for(1, factory));
  simulator.start();
  HistoryRecorder recorder;
  const CrdtWorkloadOptions options;
  ScriptedOp final_read{100'000'000, "read", history::Value::string("k0"), history::Value()};
  final_read.node = "n3";
  final_read.final_read = true;
  const ClientScript script = {final_read};
  const auto env = simulator.client_env("client-0");
  simulator.spawn("client", [&] { run_crdt_client(*env, recorder, 0, options, &script); });
  simulator.run_until(1 * kSecond);
  const history::History history = recorder.take();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].node, "n3") << "process 0 alone would ask n1";
  EXPECT_TRUE(history[0].final_read);
  ClientScript elsewhere = script;
  elsewhere[0].node = "n9";
  const auto other = simulator.client_env("client-1");
  std::string refused;
  simulator.spawn("client-1", [&] {
    try {
      run_crdt_client(*other, recorder, 1, options, &elsewhere);
    } catch (const std::invalid_argument& error) {
      refused = error.what();
    }
  });
  simulator.run_until(2 * kSecond);
  EXPECT_EQ(refused, "a scripted crdt op names node n9, which the run lacks");
  EXPECT_TRUE(recorder.take().empty());
  simulator.request_stop();
}

// Direct calls to the replicas while n2 restarts on an empty disk and n3 is
// cut off from it: n2 takes set adds (a second disk, n1's, confirms them)
// but answers reads and removes not-ready until n3's whole state is
// durable on it too; after the heal it reads the element it took. A write
// at a replica cut off from every other is never answered, and no read
// there shows it, until the partition heals.
TEST(SimulatedCrdt, AReplicaOnAnEmptyDiskReadsNothingUntilEveryPeersStateIsDurable) {
  const CrdtFactory factory;
  sim::Simulator simulator(CrdtCluster::config_for(1, factory));
  simulator.start();
  sim::Simulator* s = &simulator;
  const auto env = simulator.client_env("caller");
  const auto status_of = [&](NodeId node, ClientOp op, std::int64_t value) {
    const CallResult result =
        env->call(node, encode_request(ClientRequest{op, "k", value}), 300'000'000);
    if (result.status != CallResult::Status::ok) return std::string("timeout");
    const auto reply = decode_reply(result.response);
    if (!reply) return std::string("garbage");
    if (reply->status == ClientStatus::not_ready) return std::string("not-ready");
    return reply->elements.empty() ? std::string("ok") : "ok " + std::to_string(reply->elements[0]);
  };
  std::vector<std::string> seen;
  simulator.spawn("caller", [&] {
    env->sleep_for(500'000'000);
    EXPECT_EQ(status_of(2, ClientOp::set_add, 7), "ok");
    s->lose_disk(2);
    s->network().partition({{1, 2}, {3}});
    s->restart(2);
    env->sleep_for(200'000'000);
    seen.push_back(status_of(2, ClientOp::set_add, 8));
    seen.push_back(status_of(2, ClientOp::set_read, 0));
    seen.push_back(status_of(2, ClientOp::set_remove, 8));
    s->network().heal_partitions();
    env->sleep_for(1'000'000'000);
    seen.push_back(status_of(2, ClientOp::set_remove, 7));
    seen.push_back(status_of(2, ClientOp::set_read, 0));
    s->network().partition({{1}, {2}, {3}});
    seen.push_back(status_of(1, ClientOp::set_add, 9));
    seen.push_back(status_of(1, ClientOp::set_read, 0));
    s->network().heal_partitions();
    env->sleep_for(1'000'000'000);
    const auto* replica = dynamic_cast<const CrdtNode*>(s->node(3));
    seen.push_back(replica->state().sets.at("k").contains(9) ? "9 spread" : "9 missing");
  });
  simulator.run_until(5 * kSecond);
  ASSERT_FALSE(simulator.failure().has_value()) << simulator.failure()->detail;
  EXPECT_EQ(seen, (std::vector<std::string>{"ok", "not-ready", "not-ready", "ok", "ok 8", "timeout",
                                            "ok 8", "9 spread"}));
}

}  // namespace

// Changes a replica's state outside a join, as the empty set a write's
// lookup once made did.
class CrdtNodeTestPeer {
 public:
  static void add_empty_set(CrdtNode& node, const std::string& key) {
    node.state_.sets[key];
    node.state_version_ = kStateCheckPeriod * (node.state_version_ / kStateCheckPeriod + 1);
  }
  // A join gone wrong: the counter's entries drop to nothing, as a change
  // under the next state version.
  static void drop_counter_entries(CrdtNode& node, const std::string& key) {
    node.state_.counters[key] = PnCounter{};
    node.counters_changed_at_[key] = ++node.state_version_;
  }
};

namespace {

TEST(SimulatedCrdt, AStateChangedOutsideAJoinBreaksTheJoinOfDeltasInvariant) {
  CrdtCluster cluster(1);
  cluster.simulator.run_until(2 * kSecond);
  ASSERT_FALSE(cluster.simulator.failure().has_value());
  auto* replica = const_cast<CrdtNode*>(dynamic_cast<const CrdtNode*>(cluster.simulator.node(1)));
  ASSERT_NE(replica, nullptr);
  EXPECT_FALSE(replica->check_invariants().has_value());
  CrdtNodeTestPeer::add_empty_set(*replica, "ghost");
  const auto violation = replica->check_invariants();
  ASSERT_TRUE(violation.has_value());
  EXPECT_EQ(violation->invariant, "crdt.state-is-join-of-deltas");
  cluster.simulator.request_stop();
}

// The observer compares only the keys a join changed since its last look,
// and sees such a change move a counter back.
TEST(SimulatedCrdt, TheObserverSeesAChangedCounterMoveBack) {
  CrdtCluster cluster(1);
  cluster.options.kind = CrdtWorkloadKind::counter;
  cluster.simulator.run_until(2 * kSecond);
  std::vector<const Node*> nodes;
  for (NodeId node = 1; node <= 3; ++node) nodes.push_back(cluster.simulator.node(node));
  CrdtObserver observer;
  ASSERT_FALSE(observer.check(nodes).has_value());
  auto* replica = const_cast<CrdtNode*>(dynamic_cast<const CrdtNode*>(nodes[0]));
  ASSERT_NE(replica, nullptr);
  ASSERT_FALSE(replica->state().counters.empty());
  const std::string key = replica->state().counters.begin()->first;
  CrdtNodeTestPeer::drop_counter_entries(*replica, key);
  const auto violation = observer.check(nodes);
  ASSERT_TRUE(violation.has_value());
  EXPECT_EQ(violation->invariant, "crdt.version-vector-moved-back");
  EXPECT_NE(violation->detail.find("counter " + key), std::string::npos) << violation->detail;
  cluster.simulator.request_stop();
}

}  // namespace
}  // namespace simlab::crdt

// Offline replicas (a client's own device) and the sync protocol with their
// home server, in the simulator kernel: three servers and one offline
// replica, n4, whose home is n1. Cut off from every node, n4 keeps taking
// its clients' writes; once it can talk to n1 again, two rounds bring both
// sides to the same state, removes included, and every merge is in the
// audit trail. With crdt.sync-false-in-sync, a key whose only change is a
// remove looks in sync from its heads and the two stay different.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/simulator.h"
#include "systems/crdt/crdt_node.h"
#include "systems/crdt/crdt_sync.h"

namespace simlab::crdt {
namespace {

constexpr std::int64_t kMs = kNanosecondsPerMillisecond;

sim::SimConfig offline_config(const CrdtFactory& factory, bool bug = false) {
  sim::SimConfig config;
  config.node_count = 4;
  config.factory = &factory;
  config.node_template.options_json = R"({"crdt": {"offline_replicas": 1}})";
  if (bug) config.node_template.bugs = {kSyncFalseInSyncBug};
  return config;
}

struct Caller {
  explicit Caller(sim::Simulator& simulator) : env(simulator.client_env("caller")) {}
  std::string call(NodeId node, ClientOp op, std::int64_t value) {
    const CallResult result =
        env->call(node, encode_request(ClientRequest{op, "k", value}), 300 * kMs);
    if (result.status != CallResult::Status::ok) return "timeout";
    const auto reply = decode_reply(result.response);
    if (!reply || reply->status != ClientStatus::ok) return "not ok";
    std::string text = "ok";
    for (const std::int64_t element : reply->elements) text += " " + std::to_string(element);
    return text;
  }
  std::unique_ptr<ClientEnv> env;
};

const CrdtNode& replica(const sim::Simulator& simulator, NodeId node) {
  return *dynamic_cast<const CrdtNode*>(simulator.node(node));
}

TEST(OfflineReplica, TakesWritesWhileCutOffAndSyncsBothWaysWhenItReconnects) {
  const CrdtFactory factory;
  sim::Simulator simulator(offline_config(factory));
  simulator.start();
  sim::Simulator* s = &simulator;
  Caller caller(simulator);
  std::vector<std::string> seen;
  simulator.spawn("caller", [&] {
    caller.env->sleep_for(300 * kMs);
    seen.push_back(caller.call(2, ClientOp::set_add, 1));
    caller.env->sleep_for(500 * kMs);
    s->network().partition({{1, 2, 3}, {4}});
    seen.push_back(caller.call(4, ClientOp::set_add, 2));  // offline: its own disk answers
    seen.push_back(caller.call(4, ClientOp::set_read, 0));
    seen.push_back(caller.call(3, ClientOp::set_remove, 1));
    seen.push_back(caller.call(3, ClientOp::set_add, 3));
    caller.env->sleep_for(1000 * kMs);
    seen.push_back(caller.call(4, ClientOp::set_read, 0));  // still cut off
    s->network().heal_partitions();
    caller.env->sleep_for(1000 * kMs);
    seen.push_back(caller.call(4, ClientOp::set_read, 0));
    seen.push_back(caller.call(2, ClientOp::set_read, 0));
  });
  simulator.run_until(4000 * kMs);
  ASSERT_FALSE(simulator.failure().has_value()) << simulator.failure()->detail;
  EXPECT_EQ(seen, (std::vector<std::string>{"ok", "ok", "ok 1 2", "ok", "ok", "ok 1 2", "ok 2 3",
                                            "ok 2 3"}));
  for (NodeId node = 2; node <= 4; ++node)
    EXPECT_EQ(replica(simulator, node).state(), replica(simulator, 1).state()) << "n" << node;
  // The audit trail: n1 took n4's offline add, and n4 took n1's state of
  // the key, which held the remove.
  std::set<std::string> audit;
  for (const AuditRecord& record : simulator.audit())
    audit.insert(fmt::format("n{} {}: {}", record.node, record.key, record.entry));
  EXPECT_TRUE(audit.contains("n1 s:k: sync with n4: had [3], received [2], merged [2, 3]"));
  EXPECT_TRUE(audit.contains("n4 s:k: sync with n1: had [1, 2], received [2, 3], merged [2, 3]"));
}

TEST(OfflineReplica, WithSyncFalseInSyncARemoveNeverReachesIt) {
  const CrdtFactory factory;
  sim::Simulator simulator(offline_config(factory, true));
  simulator.start();
  Caller caller(simulator);
  std::vector<std::string> seen;
  simulator.spawn("caller", [&] {
    caller.env->sleep_for(300 * kMs);
    seen.push_back(caller.call(2, ClientOp::set_add, 1));
    caller.env->sleep_for(800 * kMs);
    seen.push_back(caller.call(4, ClientOp::set_read, 0));
    seen.push_back(caller.call(2, ClientOp::set_remove, 1));
    caller.env->sleep_for(2000 * kMs);
    seen.push_back(caller.call(4, ClientOp::set_read, 0));
    seen.push_back(caller.call(1, ClientOp::set_read, 0));
  });
  simulator.run_until(4000 * kMs);
  EXPECT_EQ(seen, (std::vector<std::string>{"ok", "ok 1", "ok", "ok 1", "ok"}));
  // The two agree on their heads, so the sync says they are in sync.
  const KeyDigests offline = key_digests(replica(simulator, 4).state(), DigestRule::heads_only);
  const KeyDigests home = key_digests(replica(simulator, 1).state(), DigestRule::heads_only);
  EXPECT_EQ(offline, home);
  EXPECT_NE(replica(simulator, 4).state(), replica(simulator, 1).state());
}

TEST(SyncDigests, HeadsMissARemoveAndWholeStatesDoNot) {
  AddWinsSet set;
  set.join(set.add_delta(7, Dot{1, 1}));
  AddWinsSet removed = set;
  removed.join(removed.remove_delta(7));
  ReplicaState before, after;
  before.sets["k"] = set;
  after.sets["k"] = removed;
  EXPECT_EQ(key_digests(before, DigestRule::heads_only),
            key_digests(after, DigestRule::heads_only));
  const KeyDigests whole = key_digests(after, DigestRule::whole_state);
  EXPECT_EQ(differing_keys(key_digests(before, DigestRule::whole_state), whole),
            (std::set<std::string>{"s:k"}));
  ReplicaState extra = after;
  extra.counters["n"].join(PnCounter::add_delta(1, {}, 3));
  EXPECT_EQ(differing_keys(whole, key_digests(extra, DigestRule::whole_state)),
            (std::set<std::string>{"c:n"}));
  EXPECT_EQ(select_keys(extra, {"c:n"}).counters.at("n").value(), 3);
  EXPECT_TRUE(select_keys(extra, {"c:n"}).sets.empty());
  EXPECT_EQ(describe_key(extra, "s:k"), "[]");
  EXPECT_EQ(describe_key(extra, "r:x"), "nothing");
}

}  // namespace
}  // namespace simlab::crdt

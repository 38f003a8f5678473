// The KV client and workload end to end against a TestCluster, through a
// synchronous ClientEnv: leader finding, retries under one session sequence
// number, process retirement, and the history the linearizability checker
// judges. Replies are lost now and then, and the leader crashes mid-run.
#include <gtest/gtest.h>

#include <set>

#include "checkers/linearizability/checker.h"
#include "tests/raft/scenario.h"
#include "workloads/kv_admin.h"
#include "workloads/kv_workload.h"

namespace simlab::testing {
namespace {

constexpr std::int64_t kTickNs = 10 * kNanosecondsPerMillisecond;

// One client at a time, on the cluster's ticks. Every `lose_every`-th reply
// is lost on the way back (the call times out although the node answered).
class ClusterClientEnv final : public ClientEnv {
 public:
  ClusterClientEnv(TestCluster& cluster, std::size_t ops_max, int lose_every)
      : cluster_(cluster), ops_max_(ops_max), lose_every_(lose_every), nodes_(cluster.ids()) {}

  std::int64_t now_ns() const override { return now_ns_; }
  RandomSource& random() override { return random_; }
  void sleep_for(std::int64_t duration_ns) override {
    for (std::int64_t slept = 0; slept < duration_ns; slept += kTickNs) advance();
  }
  CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns) override {
    ++calls_;
    const RequestId id = cluster_.request_bytes(node, request);
    const bool lose = lose_every_ > 0 && calls_ % lose_every_ == 0;
    const std::int64_t deadline_ns = now_ns_ + timeout_ns;
    while (now_ns_ < deadline_ns) {
      cluster_.stabilize();
      if (auto response = cluster_.response(id); response && !lose) {
        return CallResult{CallResult::Status::ok, kv::encode_response(*response)};
      }
      advance();
    }
    return CallResult{};
  }
  const std::vector<NodeId>& nodes() const override { return nodes_; }
  bool stopping() const override { return ++const_cast<std::size_t&>(polls_) > ops_max_; }

  // Faults keyed to time: the leader crashes at 2 s and returns at 3 s.
  void advance() {
    now_ns_ += kTickNs;
    cluster_.tick_all(1);
    cluster_.stabilize();
    if (now_ns_ == 2 * kNanosecondsPerSecond) crash_leader();
    if (now_ns_ == 3 * kNanosecondsPerSecond && crashed_ != 0) {
      cluster_.start(crashed_);
      crashed_ = 0;
    }
  }

 private:
  void crash_leader() {
    for (NodeId id : nodes_) {
      if (cluster_.up(id) && cluster_.raft(id).role() == raft::Role::leader) {
        cluster_.crash(id);
        crashed_ = id;
        return;
      }
    }
  }
  class Counter final : public RandomSource {
   public:
    std::uint64_t next_u64() override {
      state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
      return state_ ^ (state_ >> 29);
    }

   private:
    std::uint64_t state_ = 7;
  };
  TestCluster& cluster_;
  std::size_t ops_max_;
  int lose_every_;
  std::vector<NodeId> nodes_;
  std::int64_t now_ns_ = 0;
  std::size_t calls_ = 0;
  std::size_t polls_ = 0;
  NodeId crashed_ = 0;
  Counter random_;
};

history::History run_workload(const std::set<std::string>& bugs, int lose_every,
                              std::int64_t process = 0,
                              std::int64_t key_epoch_ns = 1000 * kNanosecondsPerMillisecond) {
  TestCluster cluster(3, bugs);
  cluster.print_messages = false;
  ClusterClientEnv env(cluster, 400, lose_every);
  HistoryRecorder recorder;
  KvWorkloadOptions options;
  options.key_count = 4;
  options.process_stride = 10;
  options.key_epoch_ns = key_epoch_ns;
  run_kv_client(env, recorder, process, options);
  EXPECT_FALSE(has_violation(cluster));
  return recorder.take();
}

linearizability::Verdict verdict(const history::History& history) {
  const auto factory = linearizability::make_model_factory("kv", history::Value());
  return linearizability::check_linearizability(history, *factory).verdict;
}

TEST(KvWorkload, HistoryIsLinearizableThroughLostRepliesAndACrash) {
  const history::History history = run_workload({}, 5);
  std::size_t ok = 0;
  for (const history::Op& op : history) ok += op.type == history::OpType::ok ? 1 : 0;
  EXPECT_GT(ok, 200u);
  EXPECT_EQ(verdict(history), linearizability::Verdict::valid);
}

TEST(KvWorkload, RetriedAppendsWithoutDedupeAreCaught) {
  EXPECT_EQ(verdict(run_workload({"kv.no-dedupe"}, 5)), linearizability::Verdict::invalid);
}

// Client slots 3, 7, ... (every fourth) only read; the others also write.
TEST(KvWorkload, EveryFourthClientOnlyReads) {
  auto fs = [](const history::History& history) {
    std::set<std::string> seen;
    for (const history::Op& op : history) seen.insert(op.f);
    return seen;
  };
  EXPECT_EQ(fs(run_workload({}, 0, 3)), (std::set<std::string>{"read"}));
  EXPECT_GT(fs(run_workload({}, 0, 2)).size(), 1u);
}

// Keys rotate with the clock: each op's key belongs to the key_count keys
// of the epoch it was invoked in, so a run spreads over many keys.
// Writes go to the current epoch's keys; a share of the reads look back up
// to four epochs, at keys nothing writes any more.
TEST(KvWorkload, KeysRotateEachEpochAndSomeReadsLookBack) {
  constexpr std::int64_t kEpochNs = 20 * kNanosecondsPerMillisecond;
  std::set<std::int64_t> keys;
  std::size_t past_reads = 0;
  for (const history::Op& op : run_workload({}, 0, 0, kEpochNs)) {
    if (op.type != history::OpType::invoke) continue;
    ASSERT_TRUE(op.key.has_value());
    const std::int64_t key_epoch = op.key->as_integer() / 4, now_epoch = op.time / kEpochNs;
    if (op.f == "read") {
      EXPECT_LE(key_epoch, now_epoch);
      EXPECT_GE(key_epoch, now_epoch - 4) << "key " << op.key->as_integer();
      past_reads += key_epoch < now_epoch;
    } else {
      EXPECT_EQ(key_epoch, now_epoch) << "key " << op.key->as_integer();
    }
    keys.insert(op.key->as_integer());
  }
  EXPECT_GT(keys.size(), 8u);
  EXPECT_GT(past_reads, 0u);
}

// After the heal, the final readers split every key the history touched
// between them and read each once.
TEST(KvWorkload, FinalReadsReadEveryKeyOnce) {
  TestCluster cluster(3);
  cluster.print_messages = false;
  ClusterClientEnv env(cluster, 200, 0);
  HistoryRecorder recorder;
  for (std::int64_t key : {5, 9, 5, 12})
    recorder.invoke(0, 1, "write", history::Value::integer(key), history::Value::integer(1));
  std::set<std::int64_t> read;
  for (std::int64_t slot = 0; slot < 2; ++slot) {
    const std::size_t before = recorder.history().size();
    run_kv_final_reads(env, recorder, 100 + slot, slot, 2, KvClientOptions{});
    for (std::size_t i = before; i < recorder.history().size(); ++i) {
      const history::Op& op = recorder.history()[i];
      if (op.type == history::OpType::ok) {
        EXPECT_TRUE(read.insert(op.key->as_integer()).second) << "read twice";
      }
    }
  }
  EXPECT_EQ(read, (std::set<std::int64_t>{5, 9, 12}));
}

TEST(KvWorkload, RetiresAProcessAfterAnUnknownOutcome) {
  // Every reply lost: nothing is known, so each op ends `info` and the
  // next op runs under a fresh process id (and a fresh session).
  TestCluster cluster(3);
  ClusterClientEnv env(cluster, 8, 1);
  HistoryRecorder recorder;
  KvWorkloadOptions options;
  options.read_percent = 0;
  options.process_stride = 10;
  run_kv_client(env, recorder, 1, options);
  const history::History& history = recorder.history();
  ASSERT_GE(history.size(), 4u);
  EXPECT_EQ(history[1].type, history::OpType::info);
  EXPECT_EQ(history[0].process, 1);
  EXPECT_EQ(history[2].process, 11);
}

TEST(KvAdmin, TransferAndMembershipRequestsReachTheLeader) {
  TestCluster cluster(3);
  cluster.print_messages = false;
  ClusterClientEnv env(cluster, 1, 0);
  env.sleep_for(500 * kNanosecondsPerMillisecond);  // an election happens
  KvClientOptions options;
  EXPECT_EQ(request_leader_transfer(env, 3, options), AdminResult::accepted);
  env.sleep_for(200 * kNanosecondsPerMillisecond);
  EXPECT_EQ(cluster.raft(3).role(), raft::Role::leader);
  EXPECT_EQ(request_remove_server(env, 1, options), AdminResult::accepted);
  env.sleep_for(200 * kNanosecondsPerMillisecond);
  EXPECT_EQ(cluster.raft(3).config().voters, (std::vector<NodeId>{2, 3}));
  EXPECT_EQ(request_add_server(env, 1, options), AdminResult::accepted);
  env.sleep_for(500 * kNanosecondsPerMillisecond);
  EXPECT_EQ(cluster.raft(3).config().voters, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_FALSE(has_violation(cluster));
}

}  // namespace
}  // namespace simlab::testing

// A small swarm inside the test driver: random delivery order, loss and
// duplication, crashes that keep torn tails, a corrupted WAL byte, clock
// jumps, partitions, membership changes and leader transfers, with clients
// writing throughout. Without bugs: no invariant ever breaks and the history
// is linearizable. Seeds are fixed, so a failure replays exactly.
#include <gtest/gtest.h>

#include "checkers/linearizability/checker.h"
#include "tests/raft/scenario.h"
#include "workloads/history_recorder.h"

namespace simlab::testing {
namespace {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed * 0x9e3779b97f4a7c15ULL + 1) {}
  std::uint64_t below(std::uint64_t bound) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_ % bound;
  }

 private:
  std::uint64_t state_;
};

struct PendingOp {
  std::int64_t process = 0;
  RequestId request = 0;
  std::string f;
  history::Value value;
  kv::Request command;  // resent unchanged (same session and sequence) on retry
  int retries = 0;
  int age_steps = 0;
};

class Chaos {
 public:
  Chaos(std::uint64_t seed, std::set<std::string> bugs)
      : random_(seed), cluster_(5, std::move(bugs), R"({"raft":{"snapshot_entries":20}})") {
    cluster_.print_messages = std::getenv("CHAOS_LOG") != nullptr;
    cluster_.print_logs = std::getenv("CHAOS_LOG") != nullptr;
  }
  void run(int steps);
  bool live();
  const TestCluster& cluster() const { return cluster_; }
  history::History history() { return recorder_.take(); }

 private:
  void step();
  void fault();
  void admin();
  void single_admin();
  void client_op();
  void collect_replies();
  void retry(PendingOp& op);
  NodeId leader_or_random();
  NodeId random_node() { return static_cast<NodeId>(1 + random_.below(5)); }

  SeededRandom random_;
  TestCluster cluster_;
  HistoryRecorder recorder_;
  std::vector<PendingOp> pending_;
  std::int64_t time_ = 0;
  std::int64_t next_process_ = 0;
  std::int64_t next_value_ = 0;
  bool corrupted_ = false;

 public:
  std::map<kv::Status, int> statuses_;
};

void Chaos::run(int steps) {
  for (int i = 0; i < steps && cluster_.violations().empty(); ++i) {
    step();
    if (std::getenv("CHAOS_TRACE") && i % 500 == 0) {
      printf("step %d queued=%zu\n", i, cluster_.queued());
      for (NodeId id : cluster_.ids()) {
        printf("   %s\n", cluster_.up(id) ? cluster_.raft(id).status_text().c_str() : "down");
      }
    }
  }
  // Heal, then let the cluster settle so pending ops can finish.
  cluster_.heal();
  for (NodeId id : cluster_.ids()) {
    if (!cluster_.up(id)) cluster_.start(id);
  }
  for (int i = 0; i < 300 && cluster_.violations().empty(); ++i) {
    cluster_.tick_all(1);
    cluster_.stabilize();
    collect_replies();
  }
  for (const PendingOp& op : pending_) {
    recorder_.complete(++time_, op.process, history::OpType::info, op.value);
  }
  pending_.clear();
}

// Liveness after healing: some node leads and a write commits.
bool Chaos::live() {
  for (NodeId id : cluster_.ids()) {
    if (cluster_.raft(id).role() != raft::Role::leader) continue;
    const RequestId request = write(cluster_, id, 0, 1'000'000);
    for (int i = 0; i < 100 && !cluster_.response(request); ++i) {
      cluster_.tick_all(1);
      cluster_.stabilize();
    }
    const auto response = cluster_.response(request);
    return response && response->status == kv::Status::ok;
  }
  return false;
}

void Chaos::step() {
  const std::uint64_t draw = random_.below(1000);
  const std::size_t queued = cluster_.queued();
  if (draw < 600 && queued > 0) {
    const std::size_t position = random_.below(std::min<std::size_t>(queued, 4));
    const std::uint64_t fate = random_.below(100);
    if (fate < 3) cluster_.drop_at(position);
    else if (fate < 5) cluster_.duplicate_at(position);
    else cluster_.deliver_at(position);
  } else if (draw < 780) {
    const NodeId id = random_node();
    cluster_.complete_disk(id, 1 + static_cast<int>(random_.below(3)));
  } else if (draw < 940) {
    cluster_.tick(random_node());
  } else if (draw < 985) {
    client_op();
  } else if (draw < 994) {
    fault();
  } else {
    admin();
  }
  collect_replies();
}

void Chaos::fault() {
  const NodeId id = random_node();
  switch (random_.below(8)) {
    case 0:
      if (cluster_.up(id)) cluster_.crash(id, random_.below(3) == 0 ? random_.below(40) : 0);
      break;
    case 1:
      if (!cluster_.up(id)) cluster_.start(id);
      break;
    case 2:
      if (random_.below(2) == 0) cluster_.isolate(id);
      else cluster_.heal();
      break;
    case 3:
    case 6:
    case 7:
      cluster_.skew_clock(id, (static_cast<std::int64_t>(random_.below(2000)) - 1000) *
                                  kNanosecondsPerMillisecond);
      break;
    case 4:
      // One corrupted byte in one node's synced WAL, while it is down.
      if (!corrupted_ && !cluster_.up(id)) {
        const FileImage* wal = cluster_.file(id, "raft.wal.0");
        if (wal != nullptr && wal->durable.size() > 16) {
          cluster_.flip_byte(id, "raft.wal.0", random_.below(wal->durable.size()));
          corrupted_ = true;
        }
      }
      break;
    default:
      if (!cluster_.up(id)) cluster_.start(id);
      break;
  }
}

void Chaos::admin() {
  single_admin();
  if (random_.below(2) == 0) single_admin();  // two changes in quick succession
}

void Chaos::single_admin() {
  kv::Request request;
  const std::uint64_t kind = random_.below(3);
  request.kind = kind == 0   ? kv::RequestKind::transfer_leader
                 : kind == 1 ? kv::RequestKind::remove_server
                             : kv::RequestKind::add_server;
  request.node = random_node();
  for (NodeId id : cluster_.ids()) {
    if (cluster_.up(id) && cluster_.raft(id).role() == raft::Role::leader) {
      // Keep at least three voters so a majority can survive one crash.
      if (kind == 1 && cluster_.raft(id).config().voters.size() <= 3) return;
      cluster_.request(id, request);
      return;
    }
  }
}

void Chaos::client_op() {
  kv::Request request;
  request.client_id = static_cast<std::uint64_t>(++next_process_);
  request.sequence = 1;
  request.key = random_.below(4);
  PendingOp op;
  op.process = next_process_;
  const std::uint64_t draw = random_.below(3);
  if (draw == 0) {
    op.f = "read";
    request.kind = kv::RequestKind::read;
  } else if (request.key % 2 == 0) {
    op.f = "write";
    request.kind = kv::RequestKind::write;
    request.value = kv::KvValue{++next_value_};
    op.value = history::Value::integer(next_value_);
  } else {
    op.f = "append";
    request.kind = kv::RequestKind::append;
    const std::string token = std::to_string(++next_value_) + ",";
    request.value = kv::KvValue{token};
    op.value = history::Value::string(token);
  }
  recorder_.invoke(++time_, op.process, op.f,
                   history::Value::integer(static_cast<std::int64_t>(request.key)), op.value);
  // Mostly to a leader, as a client following redirects would.
  const NodeId target = leader_or_random();
  op.command = request;
  op.request = cluster_.request(target, request);
  pending_.push_back(op);
}

void Chaos::retry(PendingOp& op) {
  ++op.retries;
  op.age_steps = 0;
  op.request = cluster_.request(leader_or_random(), op.command);
}

NodeId Chaos::leader_or_random() {
  NodeId target = random_node();
  for (NodeId id : cluster_.ids()) {
    if (random_.below(10) != 0 && cluster_.up(id) &&
        cluster_.raft(id).role() == raft::Role::leader) {
      target = id;
    }
  }
  return target;
}

void Chaos::collect_replies() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    const auto response = cluster_.response(it->request);
    if (!response) {
      // A client that hears nothing for long retries (its call timed out).
      if (++it->age_steps > 400 && it->retries < 3 && it->f != "read") retry(*it);
      ++it;
      continue;
    }
    history::OpType type = history::OpType::fail;
    history::Value value = it->value;
    ++statuses_[response->status];
    if (response->status == kv::Status::ok) {
      type = history::OpType::ok;
      if (it->f == "read") {
        value = std::visit(
            [](const auto& data) -> history::Value {
              using T = std::decay_t<decltype(data)>;
              if constexpr (std::is_same_v<T, std::int64_t>) return history::Value::integer(data);
              else if constexpr (std::is_same_v<T, std::string>) return history::Value::string(data);
              else return history::Value();
            },
            response->value.data);
      }
    } else if (it->retries > 0 && response->status != kv::Status::fail &&
               response->status != kv::Status::unknown) {
      // A refusal of a retry says nothing of the first try, which may
      // still commit: retry again, or give up as unknown.
      if (it->retries < 3) {
        retry(*it);
        ++it;
        continue;
      }
      type = history::OpType::info;
    } else if (response->status == kv::Status::unknown && it->retries < 3) {
      retry(*it);  // as a client does: same session, same sequence number
      ++it;
      continue;
    } else if (response->status == kv::Status::unknown) {
      type = history::OpType::info;
    }
    recorder_.complete(++time_, it->process, type, value);
    it = pending_.erase(it);
  }
}

// SIMLAB_CHAOS_SEEDS=N runs seeds 1..N (default 40, about a second).
std::uint64_t chaos_seed_end() {
  const char* seeds = std::getenv("SIMLAB_CHAOS_SEEDS");
  return 1 + (seeds != nullptr ? std::stoull(seeds) : 40);
}

class ChaosSeeds : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(ChaosSeeds, NoViolationAndLinearizable) {
  Chaos chaos(GetParam(), {});
  chaos.run(6000);
  if (std::getenv("CHAOS_LOG")) {
    for (const std::string& line : const_cast<TestCluster&>(chaos.cluster()).take_output()) {
      printf("%s\n", line.c_str());
    }
  }
  for (const Violation& violation : chaos.cluster().violations()) {
    ADD_FAILURE() << "seed " << GetParam() << ": " << violation.invariant << " at node "
                  << violation.node.value_or(0) << ": " << violation.detail;
  }
  const history::History history = chaos.history();
  std::size_t ok = 0;
  for (const history::Op& op : history) ok += op.type == history::OpType::ok ? 1 : 0;
  raft::Term term = 0;
  raft::Index commit = 0;
  raft::Index snapshot = 0;
  for (NodeId id : chaos.cluster().ids()) {
    term = std::max(term, chaos.cluster().raft(id).term());
    commit = std::max(commit, chaos.cluster().raft(id).commit_index());
    snapshot = std::max(snapshot, chaos.cluster().raft(id).log().snapshot_index());
  }
  if (std::getenv("CHAOS_STATS")) {
    printf("seed %lu: ops=%zu ok=%zu term=%lu commit=%lu snapshot=%lu\n",
           static_cast<unsigned long>(GetParam()), history.size(), ok,
           static_cast<unsigned long>(term), static_cast<unsigned long>(commit),
           static_cast<unsigned long>(snapshot));
  }
  if (std::getenv("CHAOS_STATS")) {
    for (const auto& [status, count] : chaos.statuses_) printf("  %s: %d\n", kv::status_name(status), count);
    for (NodeId id : chaos.cluster().ids()) {
      printf("  %s\n", chaos.cluster().raft(id).status_text().c_str());
    }
  }
  EXPECT_TRUE(chaos.live()) << "seed " << GetParam() << ": no progress after healing";
  const auto factory = linearizability::make_model_factory("kv", history::Value());
  const auto result = linearizability::check_linearizability(history, *factory);
  EXPECT_EQ(result.verdict, linearizability::Verdict::valid) << "seed " << GetParam() << ": "
                                                             << result.reason;
}

INSTANTIATE_TEST_SUITE_P(Raft, ChaosSeeds, ::testing::Range<std::uint64_t>(1, chaos_seed_end()));

// Every planted bug is found by this small swarm within a bounded number of
// seeds (the count is printed: seeds to first detection).
class ChaosBugs : public ::testing::TestWithParam<std::string> {};

bool detected(std::uint64_t seed, const std::string& bug) {
  Chaos chaos(seed, {bug});
  chaos.run(6000);
  if (!chaos.cluster().violations().empty()) return true;
  const auto factory = linearizability::make_model_factory("kv", history::Value());
  return linearizability::check_linearizability(chaos.history(), *factory).verdict ==
         linearizability::Verdict::invalid;
}

TEST_P(ChaosBugs, FoundWithinTheSeedBudget) {
  const char* budget = std::getenv("SIMLAB_CHAOS_BUG_SEEDS");
  const std::uint64_t kSeedsMax = budget != nullptr ? std::stoull(budget) : 200;
  std::uint64_t seed = 1;
  while (seed <= kSeedsMax && !detected(seed, GetParam())) ++seed;
  EXPECT_LE(seed, kSeedsMax) << GetParam() << " not found in " << kSeedsMax << " seeds";
  printf("%s: first detected at seed %lu\n", GetParam().c_str(),
         static_cast<unsigned long>(seed));
}

// The bugs this swarm finds quickly. raft.commit-old-term (Figure 8) and
// raft.lease-ignores-drift need rarer schedules (crashes and clock faults
// this swarm does not make); the simulator's default Raft scenario finds
// them (tests/harness/raft_scenarios_test.cpp), their scripted scenarios
// are in planted_bugs_test.cpp, and SIMLAB_CHAOS_ALL_BUGS=1 searches for
// them here too (not found in 200 seeds when last tried).
std::vector<std::string> swarm_bugs() {
  std::vector<std::string> bugs = {"raft.read-without-quorum", "raft.vote-ignores-log",
                                   "raft.ack-before-fsync", "raft.no-truncate-on-conflict",
                                   "raft.unsafe-membership", "kv.no-dedupe"};
  if (std::getenv("SIMLAB_CHAOS_ALL_BUGS") != nullptr) {
    bugs.insert(bugs.end(), {"raft.commit-old-term", "raft.lease-ignores-drift"});
  }
  return bugs;
}

INSTANTIATE_TEST_SUITE_P(Raft, ChaosBugs, ::testing::ValuesIn(swarm_bugs()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace simlab::testing

// The commit log's client and workload (workloads/log_client.h,
// workloads/log_workload.h) against a fake cluster that answers each
// request as a test says: a send's retries keep its sequence, only a send
// no try could have appended fails, an unknown send retires its process
// and its producer, the ops have the shape the queue checker reads, and
// the final drain reads every partition to its end, so a record a broker
// acknowledged and then lost is a lost-write.
#include "workloads/log_workload.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_explanation.h"
#include "checkers/queue/queue_history.h"
#include "sim/prng.h"
#include "workloads/log_client.h"

namespace simlab {
namespace {

using commitlog::ClientKind;
using commitlog::ClientReply;
using commitlog::ClientRequest;
using commitlog::ClientStatus;
using history::OpType;
using history::Value;

constexpr std::int64_t kMs = kNanosecondsPerMillisecond;
constexpr std::int64_t kLatencyNs = 1 * kMs;

// A client env on a clock of its own: a call takes kLatencyNs when the
// handler answers and the whole timeout when it does not (nullopt). A
// pipeline's requests reach the handler in order, and it takes as long as
// its slowest.
class FakeCluster final : public ClientEnv {
 public:
  using Handler = std::function<std::optional<ClientReply>(NodeId, const ClientRequest&)>;
  FakeCluster(Handler handler, std::int64_t stop_ns = 60'000 * kMs)
      : handler_(std::move(handler)), stop_ns_(stop_ns) {}

  std::int64_t now_ns() const override { return now_ns_; }
  RandomSource& random() override { return random_; }
  void sleep_for(std::int64_t duration_ns) override { now_ns_ += duration_ns; }
  CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns) override {
    EXPECT_GT(timeout_ns, 0);
    const auto decoded = commitlog::decode_client_request(request);
    EXPECT_TRUE(decoded.has_value());
    requests.emplace_back(node, *decoded);
    const auto reply = handler_(node, *decoded);
    if (!reply) {
      now_ns_ += timeout_ns;
      return {};
    }
    now_ns_ += kLatencyNs;
    return {CallResult::Status::ok, commitlog::encode_client_reply(*reply)};
  }
  std::vector<CallResult> call_all(std::vector<CallRequest> calls,
                                   std::int64_t timeout_ns) override {
    const std::int64_t start_ns = now_ns_;
    std::int64_t end_ns = start_ns;
    std::vector<CallResult> results;
    for (CallRequest& call_request : calls) {
      now_ns_ = start_ns;
      results.push_back(call(call_request.node, std::move(call_request.request), timeout_ns));
      end_ns = std::max(end_ns, now_ns_);
    }
    now_ns_ = end_ns;
    return results;
  }
  const std::vector<NodeId>& nodes() const override { return nodes_; }
  bool stopping() const override { return now_ns_ >= stop_ns_; }

  std::vector<std::pair<NodeId, ClientRequest>> requests;
  std::vector<ClientRequest> produced() const {
    std::vector<ClientRequest> produce;
    for (const auto& [node, request] : requests)
      if (request.kind == ClientKind::produce) produce.push_back(request);
    return produce;
  }

 private:
  Handler handler_;
  std::int64_t stop_ns_;
  std::int64_t now_ns_ = 0;
  sim::Prng random_{11};
  std::vector<NodeId> nodes_{1, 2, 3};
};

ClientReply status(ClientStatus status, NodeId hint = kNoNode) {
  ClientReply reply;
  reply.status = status;
  reply.leader_hint = hint;
  return reply;
}

// Every broker says node `leader` leads each of `partitions` partitions.
ClientReply metadata(NodeId leader, std::uint32_t partitions = 3) {
  ClientReply reply;
  for (commitlog::PartitionId p = 0; p < partitions; ++p)
    reply.partitions.push_back({p, leader, 1, {1, 2, 3}});
  return reply;
}

ClientReply appended(commitlog::Offset offset) {
  ClientReply reply;
  reply.offset = offset;
  return reply;
}

// A send of more values than one batch holds goes out as batches in
// flight together, each with the base sequence of its first value; every
// value's offset follows from its batch's first record's.
TEST(LogClient, ASendOfManyValuesGoesOutAsBatchesEachAnsweredAtItsFirstOffset) {
  FakeCluster cluster([&](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(2);
    return appended(100 + 10 * request.sequence);
  });
  LogClientOptions options;
  options.batch_records_max = 2;
  LogClient client(cluster, 5, options);
  EXPECT_EQ(client.send_values_max(), 6u);
  const std::vector<SendResult> results = client.send(0, {1, 2, 3, 4, 5});
  const auto produced = cluster.produced();
  ASSERT_EQ(produced.size(), 3u);
  EXPECT_EQ(produced[0].values, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(produced[1].values, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(produced[2].values, (std::vector<std::int64_t>{5}));
  EXPECT_EQ(produced[1].sequence, 2);
  EXPECT_EQ(produced[2].sequence, 4);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].offset, 100);
  EXPECT_EQ(results[1].offset, 101);
  EXPECT_EQ(results[3].offset, 121);
  EXPECT_EQ(results[4].offset, 140);
  EXPECT_EQ(client.next_sequence(0), 5);
}

TEST(LogClient, ARetryKeepsTheSendsSequenceAndAnAnsweredRetryIsOk) {
  int produces = 0;
  FakeCluster cluster([&](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(2);
    if (++produces == 1) return std::nullopt;  // appended, but the answer is lost
    return appended(7);                        // the broker's dedupe: the first append's offset
  });
  LogClient client(cluster, 5, LogClientOptions{});
  const SendResult result = client.send(1, {42})[0];
  EXPECT_EQ(result.outcome, SendOutcome::ok);
  EXPECT_EQ(result.offset, 7);
  const auto produced = cluster.produced();
  ASSERT_EQ(produced.size(), 2u);
  for (const ClientRequest& request : produced) {
    EXPECT_EQ(request.producer_id, 5u);
    EXPECT_EQ(request.producer_epoch, 0);
    EXPECT_EQ(request.sequence, 0);
    EXPECT_EQ(request.partition, 1u);
    EXPECT_EQ(request.values, std::vector<std::int64_t>{42});
    EXPECT_EQ(request.acks, commitlog::Acks::all);
  }
  EXPECT_EQ(client.next_sequence(1), 1) << "an ok moves the sequence on";
  EXPECT_EQ(client.next_sequence(0), 0) << "sequences are per partition";
}

TEST(LogClient, ASendEveryBrokerRefusedFailsAndKeepsItsSequence) {
  FakeCluster cluster([](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(kNoNode);
    return status(ClientStatus::not_leader);
  });
  LogClient client(cluster, 5, LogClientOptions{});
  EXPECT_EQ(client.send(0, {1})[0].outcome, SendOutcome::fail);
  EXPECT_GT(cluster.produced().size(), 3u) << "it retried until the op's time was spent";
  EXPECT_EQ(client.next_sequence(0), 0);
  EXPECT_GE(cluster.now_ns(), LogClientOptions{}.op_timeout_ns);
}

TEST(LogClient, ARefusalAfterATimeoutLeavesTheSendUnknown) {
  int produces = 0;
  FakeCluster cluster([&](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(1);
    if (++produces == 1) return std::nullopt;
    return status(ClientStatus::not_leader);
  });
  LogClient client(cluster, 5, LogClientOptions{});
  EXPECT_EQ(client.send(0, {1})[0].outcome, SendOutcome::unknown);
}

TEST(LogClient, NotEnoughReplicasFailsAtOnceAndAFencedProducerCannotGoOn) {
  FakeCluster short_isr([](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(1);
    return status(ClientStatus::not_enough_replicas);
  });
  LogClient client(short_isr, 5, LogClientOptions{});
  const SendResult refused = client.send(0, {1})[0];
  EXPECT_EQ(refused.outcome, SendOutcome::fail);
  EXPECT_FALSE(refused.producer_unusable);
  EXPECT_EQ(short_isr.produced().size(), 1u);

  FakeCluster fenced([](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(1);
    return status(ClientStatus::out_of_order_sequence);
  });
  LogClient producer(fenced, 5, LogClientOptions{});
  const SendResult out_of_order = producer.send(0, {1})[0];
  EXPECT_EQ(out_of_order.outcome, SendOutcome::fail);
  EXPECT_TRUE(out_of_order.producer_unusable);
}

TEST(LogClient, ANotLeaderHintIsFollowedWithoutAskingForMetadataAgain) {
  FakeCluster cluster([](NodeId node, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(1);
    if (node != 3) return status(ClientStatus::not_leader, 3);
    return appended(0);
  });
  LogClient client(cluster, 5, LogClientOptions{});
  ASSERT_EQ(client.send(2, {9})[0].outcome, SendOutcome::ok);
  ASSERT_EQ(cluster.requests.size(), 3u);
  EXPECT_EQ(cluster.requests[0].second.kind, ClientKind::metadata);
  EXPECT_EQ(cluster.requests[1].first, 1u);
  EXPECT_EQ(cluster.requests[2].first, 3u);
  ASSERT_EQ(client.send(2, {10})[0].outcome, SendOutcome::ok);
  EXPECT_EQ(cluster.requests.back().first, 3u) << "the leader is remembered";
  EXPECT_EQ(cluster.requests.size(), 4u);
}

// One partition's leader with the broker's sequence rule
// (systems/log/producer_state.h) for one producer: a new epoch starts at
// sequence 0, a known sequence is a duplicate answered with its offset, a
// gap is out_of_order_sequence.
struct SequencedPartition {
  std::vector<std::int64_t> log;
  std::map<std::pair<commitlog::Epoch, std::int64_t>, commitlog::Offset> appended_at;
  commitlog::Epoch epoch = 0;
  std::int64_t last_sequence = -1;

  ClientReply produce(const ClientRequest& request) {
    if (request.producer_epoch < epoch) return status(ClientStatus::fenced_producer);
    if (request.producer_epoch > epoch) {
      epoch = request.producer_epoch;
      last_sequence = -1;
    }
    const auto known = appended_at.find({epoch, request.sequence});
    if (known != appended_at.end()) return appended(known->second);
    if (request.sequence != last_sequence + 1) return status(ClientStatus::out_of_order_sequence);
    last_sequence = request.sequence + static_cast<std::int64_t>(request.values.size()) - 1;
    const auto offset = static_cast<commitlog::Offset>(log.size());
    appended_at[{epoch, request.sequence}] = offset;
    log.insert(log.end(), request.values.begin(), request.values.end());
    return appended(offset);
  }
};

// The first round of a two-value pipeline: value 1 overtakes value 0 and is
// refused out of order; value 0 is then appended, but its answer is lost.
FakeCluster::Handler overtaken_pipeline(SequencedPartition& broker) {
  auto produces = std::make_shared<int>(0);
  return [&broker, produces](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(1);
    ++*produces;
    if (*produces == 1) {
      broker.produce(request);
      return std::nullopt;
    }
    if (*produces == 2) return status(ClientStatus::out_of_order_sequence);
    return broker.produce(request);
  };
}

TEST(LogClient, AValueThatOvertookAnEarlierOneIsSentAgainUnderTheSameSequence) {
  SequencedPartition broker;
  FakeCluster cluster(overtaken_pipeline(broker));
  LogClient client(cluster, 5, LogClientOptions{});
  const auto results = client.send(0, {10, 11});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].outcome, SendOutcome::ok);
  EXPECT_EQ(results[0].offset, 0) << "the retry is the first append's duplicate";
  EXPECT_EQ(results[1].outcome, SendOutcome::ok);
  EXPECT_EQ(results[1].offset, 1);
  EXPECT_EQ(broker.log, (std::vector<std::int64_t>{10, 11}));
  for (const ClientRequest& request : cluster.produced()) EXPECT_EQ(request.producer_epoch, 0);
  EXPECT_EQ(client.next_sequence(0), 2);
}

// log.retriable-out-of-order: the refusal makes the producer take a new
// epoch and resend both values from sequence 0, so value 0 is in the log twice.
TEST(LogClient, ThePlantedRetriableOutOfOrderBugAppendsAValueTwice) {
  SequencedPartition broker;
  FakeCluster cluster(overtaken_pipeline(broker));
  LogClientOptions options;
  options.retry_out_of_order_with_new_epoch = true;
  LogClient client(cluster, 5, options);
  const auto results = client.send(0, {10, 11});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].outcome, SendOutcome::ok);
  EXPECT_EQ(results[1].outcome, SendOutcome::ok);
  EXPECT_EQ(broker.log, (std::vector<std::int64_t>{10, 10, 11}));
  EXPECT_EQ(client.producer_epoch(), 1);
  const auto produced = cluster.produced();
  ASSERT_EQ(produced.size(), 4u);
  EXPECT_EQ(produced[2].producer_epoch, 1);
  EXPECT_EQ(produced[2].sequence, 0);
  EXPECT_EQ(produced[3].sequence, 1);
  EXPECT_EQ(client.next_sequence(0), 2);
}

// Once every value before it is acknowledged, a refused sequence is no
// overtaking: the broker has lost the producer's state, and the producer
// can send no more.
TEST(LogClient, OutOfOrderWithEveryEarlierValueAcknowledgedEndsTheProducer) {
  int produces = 0;
  FakeCluster cluster([&](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
    if (request.kind == ClientKind::metadata) return metadata(1);
    if (++produces == 1) return appended(0);
    return status(ClientStatus::out_of_order_sequence);
  });
  LogClient client(cluster, 5, LogClientOptions{});
  const auto results = client.send(0, {10, 11});
  EXPECT_EQ(results[0].outcome, SendOutcome::ok);
  EXPECT_EQ(results[1].outcome, SendOutcome::fail);
  EXPECT_TRUE(results[1].producer_unusable);
  EXPECT_EQ(produces, 3) << "refused once while value 0 was in flight, then once for good";
}

// A one-broker log per partition: produce appends (deduplicating by
// producer and sequence, as the broker does), fetch reads below the
// high watermark. `lose` names values it acknowledges and then drops.
struct FakeLog {
  std::map<commitlog::PartitionId, std::vector<std::int64_t>> partitions;
  std::map<std::tuple<std::uint64_t, commitlog::PartitionId, std::int64_t>, commitlog::Offset> seen;
  std::set<std::int64_t> lose;

  ClientReply answer(const ClientRequest& request) {
    if (request.kind == ClientKind::metadata) return metadata(1);
    auto& log = partitions[request.partition];
    if (request.kind == ClientKind::produce) {
      const auto key = std::make_tuple(request.producer_id, request.partition, request.sequence);
      if (const auto it = seen.find(key); it != seen.end()) return appended(it->second);
      const auto offset = static_cast<commitlog::Offset>(log.size());
      seen[key] = offset;
      for (std::int64_t value : request.values)
        if (!lose.contains(value)) log.push_back(value);
      return appended(offset);
    }
    ClientReply reply;
    reply.high_watermark = static_cast<commitlog::Offset>(log.size());
    if (request.offset > reply.high_watermark) return status(ClientStatus::offset_out_of_range);
    for (auto offset = request.offset;
         offset < reply.high_watermark && reply.records.size() < request.records_max; ++offset)
      reply.records.push_back({offset, log[static_cast<std::size_t>(offset)]});
    return reply;
  }
};

LogWorkloadOptions options_for(std::int64_t stride) {
  LogWorkloadOptions options;
  options.process_stride = stride;
  options.drain_settle_ns = 300 * kMs;
  options.subscribe_percent = 0;  // the fake log has no group coordinator
  options.crash_percent = 0;      // one process per client, so the op counts below hold
  options.txn_percent = 0;        // nor a transaction coordinator
  return options;
}

// Clients 0, 1 and 2 (a producer, a consumer and a mixed one) one after
// another, then the drain, all against one fake log.
history::History run_against(FakeLog& log, std::int64_t client_ms) {
  HistoryRecorder recorder;
  const auto answer = [&](NodeId, const ClientRequest& r) -> std::optional<ClientReply> {
    return log.answer(r);
  };
  for (std::int64_t process = 0; process < 3; ++process) {
    FakeCluster cluster(answer, client_ms * kMs);
    run_log_client(cluster, recorder, process, options_for(3));
  }
  for (std::int64_t slot = 0; slot < 2; ++slot) {
    FakeCluster cluster(answer);
    run_log_final_reads(cluster, recorder, 1'000'000'000 + slot, slot, 2, options_for(3));
  }
  return recorder.take();
}

queue::QueueCheckResult judge(const history::History& ops) {
  const queue::CompiledQueue compiled = queue::compile_queue_history(ops);
  EXPECT_FALSE(compiled.error.has_value()) << compiled.error->what;
  return queue::check_queue(compiled.history);
}

std::size_t count_ops(const history::History& ops, const std::string& f, OpType type) {
  return static_cast<std::size_t>(std::count_if(
      ops.begin(), ops.end(), [&](const history::Op& op) { return op.f == f && op.type == type; }));
}

TEST(LogWorkload, ItsHistoryIsTheQueueCheckersShapeAndTheDrainReadsEveryPartition) {
  FakeLog log;
  const history::History ops = run_against(log, 500);
  const queue::QueueCheckResult result = judge(ops);
  EXPECT_TRUE(result.valid) << queue::explain_text(result);
  EXPECT_EQ(result.unseen, 0u) << "the drain saw every acknowledged send";
  EXPECT_GT(count_ops(ops, "send", OpType::ok), 10u);
  EXPECT_GT(count_ops(ops, "poll", OpType::ok), 10u);
  EXPECT_EQ(count_ops(ops, "assign", OpType::ok), 2u) << "the consumer and the mixed client";
  EXPECT_EQ(count_ops(ops, "final-poll", OpType::ok), 3u) << "one drain per partition";
  for (const history::Op& op : ops) {
    if (op.f == "send" && op.type == OpType::ok) {
      const Value::List& micro = op.value.as_list().at(0).as_list();
      EXPECT_EQ(micro.at(0), Value::string("send"));
      EXPECT_EQ(micro.at(1), *op.key) << "the op's key is its partition";
      EXPECT_TRUE(micro.at(2).is_list()) << "[offset, value]";
    }
    if (op.f == "poll" || op.f == "final-poll") {
      ASSERT_TRUE(op.key.has_value());
    }
  }
  std::size_t drained = 0;
  for (const auto& [partition, values] : log.partitions) drained += values.size();
  EXPECT_GE(result.polled_records, drained);
}

TEST(LogWorkload, ARecordTheBrokerAcknowledgedAndLostIsALostWriteOnceDrained) {
  FakeLog log;
  // Process 0's first sends (values 1, 2, ...) are the log's first records:
  // lose one whose partition then gets nothing more, above every poll.
  log.lose = {1};
  HistoryRecorder recorder;
  const auto answer = [&](NodeId, const ClientRequest& r) -> std::optional<ClientReply> {
    return log.answer(r);
  };
  ScriptedOp send{
      0, "send", Value::integer(2),
      Value::list({Value::list({Value::string("send"), Value::integer(2), Value::integer(1)})})};
  const ClientScript script = {send};
  FakeCluster producer(answer);
  run_log_client(producer, recorder, 0, options_for(1), &script);
  FakeCluster drain(answer);
  run_log_final_reads(drain, recorder, 1'000'000'000, 0, 1, options_for(1));
  const queue::QueueCheckResult result = judge(recorder.history());
  EXPECT_EQ(result.counts.count("lost-write"), 1u) << queue::explain_text(result);
  EXPECT_GE(drain.now_ns(), options_for(1).drain_settle_ns)
      << "the drain waited for the watermark to reach the acknowledged offset";
}

TEST(LogWorkload, AnUnknownSendRetiresTheProcessAndItsProducer) {
  FakeCluster cluster(
      [](NodeId, const ClientRequest& request) -> std::optional<ClientReply> {
        if (request.kind == ClientKind::metadata) return metadata(1);
        if (request.producer_id == 1) return std::nullopt;  // process 0's producer never hears back
        return appended(0);
      },
      3000 * kMs);
  HistoryRecorder recorder;
  run_log_client(cluster, recorder, 0, options_for(5));
  const history::History& ops = recorder.history();
  ASSERT_GE(ops.size(), 4u);
  EXPECT_EQ(ops[1].type, OpType::info);
  EXPECT_EQ(ops[1].process, 0);
  EXPECT_EQ(ops[2].process, 5) << "the client comes back as process + stride";
  EXPECT_EQ(ops[3].type, OpType::ok);
  EXPECT_EQ(cluster.produced().back().producer_id, 6u) << "and a new producer";
}

TEST(LogWorkload, AScriptedClientRunsItsOpsAndRefusesOthers) {
  FakeLog log;
  const auto answer = [&](NodeId, const ClientRequest& r) -> std::optional<ClientReply> {
    return log.answer(r);
  };
  const ClientScript script = {
      {0, "assign", std::nullopt, Value::list({Value::integer(1)})},
      {5 * kMs, "send", Value::integer(1),
       Value::list({Value::list({Value::string("send"), Value::integer(1), Value::integer(77)})})},
      {9 * kMs, "poll", Value::integer(1), Value::list({Value::list({Value::string("poll")})})},
  };
  HistoryRecorder recorder;
  FakeCluster cluster(answer);
  run_log_client(cluster, recorder, 1, options_for(3), &script);
  const history::History& ops = recorder.history();
  ASSERT_EQ(ops.size(), 6u);
  EXPECT_EQ(ops[2].time, 5 * kMs);
  const auto list = [](Value::List items) { return Value::list(std::move(items)); };
  const Value record = list({Value::integer(0), Value::integer(77)});
  EXPECT_EQ(ops[3].value, list({list({Value::string("send"), Value::integer(1), record})}));
  const Value read = list({Value::integer(1), list({record})});
  EXPECT_EQ(ops[5].value, list({list({Value::string("poll"), list({read})})}));
  const ClientScript bad = {{0, "poll", Value::integer(3), Value()}};  // partitions are 0..2
  EXPECT_THROW(run_log_client(cluster, recorder, 1, options_for(3), &bad), std::invalid_argument);
  const ClientScript other = {{0, "write", Value::integer(1), Value::integer(1)}};
  EXPECT_THROW(run_log_client(cluster, recorder, 1, options_for(3), &other), std::invalid_argument);
}

// A transaction coordinator and one partition leader: adds are ok, a
// produce appends, an end commits or aborts as asked and names the next
// epoch (KIP-890's bump).
struct FakeTxnLog {
  std::vector<ClientRequest> produced;
  std::vector<bool> ends;  // each end's commit flag
  std::vector<commitlog::Offset> fetched_from;

  std::optional<ClientReply> answer(const ClientRequest& request) {
    switch (request.kind) {
      case ClientKind::metadata:
        return metadata(1);
      case ClientKind::txn_add_partition:
        return status(ClientStatus::ok);
      case ClientKind::produce:
        produced.push_back(request);
        return appended(static_cast<commitlog::Offset>(produced.size() - 1));
      case ClientKind::fetch: {  // two records in every partition: 100 and 101
        fetched_from.push_back(request.offset);
        ClientReply reply;
        reply.high_watermark = 2;
        for (auto offset = request.offset; offset < 2; ++offset)
          reply.records.push_back({offset, 100 + offset});
        return reply;
      }
      case ClientKind::txn_end: {
        ends.push_back(request.commit);
        ClientReply reply;
        reply.committed = request.commit;
        reply.producer_epoch = request.producer_epoch + 1;
        return reply;
      }
      default:
        return std::nullopt;
    }
  }
};

ClientScript two_transactions() {
  const auto send = [](std::int64_t partition, std::int64_t value) {
    return Value::list({Value::string("send"), Value::integer(partition), Value::integer(value)});
  };
  return {{0, "txn", std::nullopt, Value::list({send(0, 10), send(2, 11)})},
          {5 * kMs, "txn", std::nullopt, Value::list({send(2, 12)})}};
}

TEST(LogWorkload, ACommittedTransactionIsOkWithItsOffsetsAndTheNextTakesTheNewEpoch) {
  FakeTxnLog log;
  FakeCluster cluster([&](NodeId, const ClientRequest& r) { return log.answer(r); });
  HistoryRecorder recorder;
  LogWorkloadOptions options = options_for(3);
  options.txn_abort_percent = 0;
  const ClientScript script = two_transactions();
  run_log_client(cluster, recorder, 0, options, &script);
  const history::History& ops = recorder.history();
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[1].f, "txn");
  EXPECT_EQ(ops[1].type, OpType::ok);
  const auto list = [](Value::List items) { return Value::list(std::move(items)); };
  const Value first = list(
      {Value::string("send"), Value::integer(0), list({Value::integer(0), Value::integer(10)})});
  EXPECT_EQ(ops[1].value.as_list().front(), first);
  EXPECT_EQ(log.ends, (std::vector<bool>{true, true}));
  ASSERT_EQ(log.produced.size(), 3u);
  EXPECT_TRUE(log.produced[0].transactional);
  EXPECT_EQ(log.produced[1].producer_epoch, 0);
  EXPECT_EQ(log.produced[2].producer_epoch, 1) << "the first end's answer named epoch 1";
  EXPECT_EQ(log.produced[2].sequence, 0) << "a new epoch starts every sequence at 0";
}

TEST(LogWorkload, ATransactionMeantToAbortIsAFailureWhoseValuesNobodyMayRead) {
  FakeTxnLog log;
  FakeCluster cluster([&](NodeId, const ClientRequest& r) { return log.answer(r); });
  HistoryRecorder recorder;
  LogWorkloadOptions options = options_for(3);
  options.txn_abort_percent = 100;
  const ClientScript script = two_transactions();
  run_log_client(cluster, recorder, 0, options, &script);
  const history::History& ops = recorder.history();
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[1].type, OpType::fail);
  EXPECT_EQ(ops[1].value, ops[0].value) << "a failed op carries its invocation";
  EXPECT_EQ(log.ends, (std::vector<bool>{false, false}));
}

// Two transactions that poll first (consume-transform-produce) on a
// one-partition log: the first reads both records and commits, so the
// second polls from past them; a poll is recorded with what it read.
ClientScript two_polling_transactions() {
  const auto send = [](std::int64_t value) {
    return Value::list({Value::string("send"), Value::integer(0), Value::integer(value)});
  };
  const Value poll = Value::list({Value::string("poll")});
  return {{0, "txn", std::nullopt, Value::list({poll, send(10)})},
          {5 * kMs, "txn", std::nullopt, Value::list({poll, send(11)})}};
}

TEST(LogWorkload, ATransactionThatPollsFirstRecordsWhatItReadAndMovesOnOnlyWhenCommitted) {
  const auto list = [](Value::List items) { return Value::list(std::move(items)); };
  for (const std::uint64_t abort_percent : {0, 100}) {
    FakeTxnLog log;
    FakeCluster cluster([&](NodeId, const ClientRequest& r) { return log.answer(r); });
    HistoryRecorder recorder;
    LogWorkloadOptions options = options_for(3);
    options.partitions = 1;
    options.txn_abort_percent = abort_percent;
    const ClientScript script = two_polling_transactions();
    run_log_client(cluster, recorder, 0, options, &script);
    const history::History& ops = recorder.history();
    ASSERT_EQ(ops.size(), 4u);
    EXPECT_EQ(ops[0].value.as_list().front(), list({Value::string("poll")}));
    if (abort_percent == 100) {
      EXPECT_EQ(ops[1].type, OpType::fail);
      EXPECT_EQ(log.fetched_from, (std::vector<commitlog::Offset>{0, 0}))
          << "an aborted transaction's poll is read again";
      continue;
    }
    ASSERT_EQ(ops[1].type, OpType::ok);
    const auto record = [&](std::int64_t offset) {
      return list({Value::integer(offset), Value::integer(100 + offset)});
    };
    const Value read = list({Value::integer(0), list({record(0), record(1)})});
    EXPECT_EQ(ops[1].value.as_list().front(), list({Value::string("poll"), list({read})}));
    EXPECT_EQ(ops[1].value.as_list().size(), 2u) << "the poll, then the send";
    EXPECT_EQ(log.fetched_from, (std::vector<commitlog::Offset>{0, 2}));
    const Value nothing = list({Value::integer(0), list({})});
    EXPECT_EQ(ops[3].value.as_list().front(), list({Value::string("poll"), list({nothing})}));
  }
}

// The coordinator timed the first transaction out and moved the producer
// to epoch 1: the add is refused, the transaction is a failure, and the next
// one goes out under epoch 1 instead of being refused forever.
TEST(LogWorkload, ATransactionTheCoordinatorTimedOutFailsAndTheNextTakesItsEpoch) {
  FakeTxnLog log;
  FakeCluster cluster([&](NodeId, const ClientRequest& r) -> std::optional<ClientReply> {
    if (r.kind == ClientKind::txn_add_partition && r.producer_epoch == 0) {
      ClientReply refused = status(ClientStatus::invalid_txn_state);
      refused.producer_epoch = 1;
      return refused;
    }
    return log.answer(r);
  });
  HistoryRecorder recorder;
  LogWorkloadOptions options = options_for(3);
  options.txn_abort_percent = 0;
  const ClientScript script = two_transactions();
  run_log_client(cluster, recorder, 0, options, &script);
  const history::History& ops = recorder.history();
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[1].type, OpType::fail);
  EXPECT_EQ(ops[3].type, OpType::ok);
  ASSERT_EQ(log.produced.size(), 1u);
  EXPECT_EQ(log.produced[0].producer_epoch, 1);
}

TEST(LogWorkload, RolesFollowTheClientsSlot) {
  LogWorkloadOptions options;
  EXPECT_EQ(log_role(0, options), LogRole::producer);
  EXPECT_EQ(log_role(1, options), LogRole::consumer);
  EXPECT_EQ(log_role(2, options), LogRole::mixed);
  EXPECT_EQ(log_role(3, options), LogRole::producer);
  options.roles = {LogRole::producer, LogRole::producer, LogRole::consumer};
  EXPECT_EQ(log_role(4, options), LogRole::producer);
  EXPECT_EQ(log_role(5, options), LogRole::consumer);
}

}  // namespace
}  // namespace simlab

#include "workloads/log_workload.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/hash.h"
#include "workloads/op_stream_env.h"

namespace simlab {
namespace {

using commitlog::ClientStatus;
using commitlog::FetchedRecord;
using commitlog::Offset;
using commitlog::PartitionId;
using history::Value;

// What one process knows as a consumer: its partitions and its position in
// each (the next offset to fetch); as a group member, the generation its
// partitions are from and when it last heard from the coordinator.
struct Consumer {
  bool assigned = false;  // by an assign or a subscribe
  bool subscribed = false;
  std::vector<PartitionId> partitions;
  std::map<PartitionId, Offset> positions;
  std::int64_t generation = 0;  // 0: no answer from the coordinator yet
  std::int64_t heartbeat_ns = 0;
  // Assigned partitions an open transaction holds an offset for: not read
  // until a heartbeat says that transaction ended (KIP-447's requireStable).
  std::set<PartitionId> unstable;
};

struct PlannedOp {
  std::string f;      // send, txn, assign, subscribe, poll or final-poll
  bool keyed = true;  // a scripted group member's poll names no partition
  PartitionId partition = 0;
  std::vector<std::int64_t> values;     // send: 1 to send_values_max, in flight together
  std::vector<PartitionId> assignment;  // assign
  std::vector<std::pair<PartitionId, std::int64_t>> txn_sends;  // txn, in order
  bool txn_poll = false;                                        // txn: it polls before it sends
  std::optional<bool> crash;  // scripted: whether the client crashes in it (ScriptedOp::crash)
};

// A transaction's choices are functions of its first value (unique in the
// run), each named, so a script of the op decides as the generator did.
std::uint64_t txn_draw(std::string_view choice, std::int64_t first_value) {
  return sim::fold64(sim::name_hash64(choice), static_cast<std::uint64_t>(first_value));
}

bool meant_to_abort(std::int64_t first_value, const LogWorkloadOptions& options) {
  return txn_draw("txn-abort", first_value) % 100 < options.txn_abort_percent;
}

bool polls_first(std::int64_t first_value, const LogWorkloadOptions& options) {
  return txn_draw("txn-poll", first_value) % 100 < options.txn_poll_percent;
}

PartitionId txn_poll_partition(std::int64_t first_value, const LogWorkloadOptions& options) {
  return static_cast<PartitionId>(txn_draw("txn-poll-partition", first_value) % options.partitions);
}

Value key_value(PartitionId partition) { return Value::integer(partition); }

// [["send", k, v] ...], and once acknowledged [["send", k, [offset, v]] ...].
Value send_value(PartitionId partition, const std::vector<std::int64_t>& values) {
  Value::List micro_ops;
  for (std::int64_t value : values)
    micro_ops.push_back(
        Value::list({Value::string("send"), key_value(partition), Value::integer(value)}));
  return Value::list(std::move(micro_ops));
}

// Each value with its offset where the broker acknowledged it.
Value sent_value(PartitionId partition, const std::vector<std::int64_t>& values,
                 const std::vector<SendResult>& results) {
  Value::List micro_ops;
  for (std::size_t i = 0; i < values.size(); ++i) {
    Value sent = Value::integer(values[i]);
    if (results[i].outcome == SendOutcome::ok)
      sent = Value::list({Value::integer(results[i].offset), std::move(sent)});
    micro_ops.push_back(
        Value::list({Value::string("send"), key_value(partition), std::move(sent)}));
  }
  return Value::list(std::move(micro_ops));
}

Value poll_invocation() { return Value::list({Value::list({Value::string("poll")})}); }

// ["poll", [[k, [[offset, v] ...]]]]: the poll's map as [key records] pairs.
Value poll_micro_op(PartitionId partition, const std::vector<FetchedRecord>& records) {
  Value::List read;
  for (const FetchedRecord& record : records)
    read.push_back(Value::list({Value::integer(record.offset), Value::integer(record.value)}));
  const Value entry = Value::list({key_value(partition), Value::list(std::move(read))});
  return Value::list({Value::string("poll"), Value::list({entry})});
}

Value polled_value(PartitionId partition, const std::vector<FetchedRecord>& records) {
  return Value::list({poll_micro_op(partition, records)});
}

Value empty_poll_value() {
  return Value::list({Value::list({Value::string("poll"), Value::list({})})});
}

Value assign_value(const std::vector<PartitionId>& partitions) {
  Value::List keys;
  for (PartitionId partition : partitions) keys.push_back(key_value(partition));
  return Value::list(std::move(keys));
}

// A random nonempty subset of the partitions, in order.
std::vector<PartitionId> draw_assignment(ClientEnv& env, std::uint32_t partitions) {
  std::vector<PartitionId> all(partitions);
  std::iota(all.begin(), all.end(), PartitionId{0});
  const std::uint64_t count = 1 + env.random().below(partitions);
  for (std::uint64_t i = 0; i < count; ++i)
    std::swap(all[i], all[i + env.random().below(partitions - i)]);
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

// `next_unique` gives each sent value its run-unique number.
PlannedOp plan(ClientEnv& env, const LogWorkloadOptions& options, LogRole role, bool transactional,
               const Consumer& consumer, const std::function<std::int64_t()>& next_unique) {
  PlannedOp op;
  if (transactional && options.txn_poll_percent > 0 && !consumer.subscribed) {
    // Consume-transform-produce: a transactional process that polls is a
    // member of the consumer group, and commits its offsets in its
    // transactions (Kafka's exactly-once processing).
    op.f = "subscribe";
    op.assignment.resize(options.partitions);
    std::iota(op.assignment.begin(), op.assignment.end(), PartitionId{0});
    return op;
  }
  if (transactional) {
    op.f = "txn";
    const std::uint64_t count = 1 + env.random().below(options.txn_sends_max);
    for (std::uint64_t i = 0; i < count; ++i) {
      const auto partition = static_cast<PartitionId>(env.random().below(options.partitions));
      op.txn_sends.emplace_back(partition, next_unique());
    }
    op.txn_poll = polls_first(op.txn_sends.front().second, options);
    return op;
  }
  if (role != LogRole::producer && !consumer.assigned) {
    if (role == LogRole::consumer && env.random().below(100) < options.subscribe_percent) {
      op.f = "subscribe";
      op.assignment.resize(options.partitions);
      std::iota(op.assignment.begin(), op.assignment.end(), PartitionId{0});
      return op;
    }
    op.f = "assign";
    op.assignment = draw_assignment(env, options.partitions);
    return op;
  }
  const bool send = role == LogRole::producer ||
                    (role == LogRole::mixed && env.random().below(100) < options.send_percent);
  if (send) {
    op.f = "send";
    op.partition = static_cast<PartitionId>(env.random().below(options.partitions));
    const std::uint64_t count = 1 + env.random().below(options.send_values_max);
    for (std::uint64_t i = 0; i < count; ++i) op.values.push_back(next_unique());
    return op;
  }
  op.f = "poll";
  const auto& mine = consumer.partitions;
  op.partition = mine.empty() ? 0 : mine[env.random().below(mine.size())];
  return op;
}

PartitionId scripted_partition(const Value& key, const LogWorkloadOptions& options) {
  if (!key.is_integer() || key.as_integer() < 0 || key.as_integer() >= options.partitions) {
    throw std::invalid_argument("a scripted log op names a partition from 0 to " +
                                std::to_string(options.partitions - 1) + ", not " +
                                history::format_value(key));
  }
  return static_cast<PartitionId>(key.as_integer());
}

// A scripted send's or txn's micro-ops [["send", k, v] ...] (at least one,
// integer values), as (partition, value) pairs.
std::vector<std::pair<PartitionId, std::int64_t>> scripted_sends(
    const Value& value, const char* shape, const LogWorkloadOptions& options) {
  if (!value.is_list() || value.as_list().empty()) throw std::invalid_argument(shape);
  std::vector<std::pair<PartitionId, std::int64_t>> sends;
  for (const Value& item : value.as_list()) {
    const Value::List* micro =
        item.is_list() && item.as_list().size() == 3 ? &item.as_list() : nullptr;
    if (!micro || !(*micro)[0].is_string() || (*micro)[0].as_string() != "send" ||
        !(*micro)[2].is_integer())
      throw std::invalid_argument(shape);
    sends.emplace_back(scripted_partition((*micro)[1], options), (*micro)[2].as_integer());
  }
  return sends;
}

// The scripted op as the generator would have planned it. A script comes
// from a recorded history or a person's hand: anything else is bad input.
PlannedOp scripted_plan(const ScriptedOp& scripted, const LogWorkloadOptions& options) {
  PlannedOp op;
  op.f = scripted.f;
  op.crash = scripted.crash;
  const Value& value = scripted.value;
  if (op.f == "send") {
    const std::string shape = "a scripted send's value is [[\"send\", k, v] ...]: 1 to " +
                              std::to_string(send_values_max(options.client)) +
                              " integer values, one partition";
    for (const auto& [partition, sent] : scripted_sends(value, shape.c_str(), options)) {
      if (!op.values.empty() && partition != op.partition) throw std::invalid_argument(shape);
      op.partition = partition;
      op.values.push_back(sent);
    }
    if (op.values.size() > send_values_max(options.client)) throw std::invalid_argument(shape);
  } else if (op.f == "txn") {
    // A leading ["poll"]: the transaction polls first.
    const Value::List* items = value.is_list() ? &value.as_list() : nullptr;
    op.txn_poll =
        items != nullptr && !items->empty() && (*items)[0] == poll_invocation().as_list()[0];
    const Value sends =
        op.txn_poll ? Value::list(Value::List(items->begin() + 1, items->end())) : value;
    op.txn_sends = scripted_sends(
        sends, "a scripted txn's value is [[\"poll\"]?, [\"send\", k, v] ...] with integer values",
        options);
  } else if (op.f == "assign" || op.f == "subscribe") {
    if (!value.is_list() || value.as_list().empty())
      throw std::invalid_argument("a scripted " + op.f +
                                  "'s value is a nonempty list of partitions");
    for (const Value& key : value.as_list())
      op.assignment.push_back(scripted_partition(key, options));
  } else if (op.f == "poll" && !scripted.key) {
    op.keyed = false;  // a group member's: its coordinator says what it reads
  } else if (op.f == "poll" || op.f == "final-poll") {
    if (!scripted.key) throw std::invalid_argument("a scripted " + op.f + " needs its partition");
    op.partition = scripted_partition(*scripted.key, options);
  } else {
    throw std::invalid_argument(
        "a scripted log op is send, txn, assign, subscribe, poll or final-poll; got " + op.f);
  }
  return op;
}

// Records the send; false when the process must retire (its outcome is
// unknown, or its producer can send no more).
bool send_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                     LogClient& client, const PlannedOp& op) {
  const Value invoked = send_value(op.partition, op.values);
  recorder.invoke(env.now_ns(), process, "send", key_value(op.partition), invoked);
  const std::vector<SendResult> results = client.send(op.partition, op.values);
  const auto all = [&](SendOutcome outcome) {
    return std::all_of(results.begin(), results.end(),
                       [&](const SendResult& result) { return result.outcome == outcome; });
  };
  const bool unusable = std::any_of(results.begin(), results.end(), [](const SendResult& result) {
    return result.producer_unusable;
  });
  if (all(SendOutcome::ok)) {
    recorder.complete(env.now_ns(), process, history::OpType::ok,
                      sent_value(op.partition, op.values, results));
    return true;
  }
  if (all(SendOutcome::fail)) {
    recorder.complete(env.now_ns(), process, history::OpType::fail, invoked);
    return !unusable;
  }
  // Some value may be in the log, or some are and some are not: the op as a
  // whole is indeterminate, with the offsets the broker did acknowledge.
  recorder.complete(env.now_ns(), process, history::OpType::info,
                    sent_value(op.partition, op.values, results));
  return false;
}

// A client crash (Jepsen's crashed clients): between a poll's fetch and the
// handling of its values, what it read is lost with it; mid-transaction,
// the transaction is left open. Drawn always, so a script replays the
// client's stream as it was; a scripted op crashes as its original did.
bool crashes(ClientEnv& env, const LogWorkloadOptions& options, std::optional<bool> scripted) {
  const bool drawn = env.random().below(100) < options.crash_percent;
  return scripted.value_or(drawn);
}

// What a transaction's poll read, and the position past it; a group
// member's, with the assignment its offset commit is fenced by.
struct TxnRead {
  std::optional<PartitionId> partition;  // empty: the member had nothing to read
  std::vector<FetchedRecord> records;
  Offset from = 0;
  Offset next = 0;
  bool in_group = false;
  std::uint64_t member = 0;
  std::int64_t generation = 0;
};

// [["poll"]? ["send", k, v] ...]; committed, the poll with what it read and
// each send with its offset.
Value txn_value(const PlannedOp& op, const std::vector<SendResult>* results, const TxnRead* read) {
  const auto& sends = op.txn_sends;
  Value::List micro_ops;
  if (op.txn_poll && read == nullptr) micro_ops.push_back(poll_invocation().as_list()[0]);
  if (op.txn_poll && read != nullptr)
    micro_ops.push_back(read->partition ? poll_micro_op(*read->partition, read->records)
                                        : empty_poll_value().as_list()[0]);
  for (std::size_t i = 0; i < sends.size(); ++i) {
    Value sent = Value::integer(sends[i].second);
    if (results != nullptr)
      sent = Value::list({Value::integer((*results)[i].offset), std::move(sent)});
    micro_ops.push_back(
        Value::list({Value::string("send"), key_value(sends[i].first), std::move(sent)}));
  }
  return Value::list(std::move(micro_ops));
}

// How far a transaction got before its end was asked for.
struct TxnWrites {
  std::vector<SendResult> results;
  bool complete = false;  // every value acknowledged
  bool crashed = false;
  TxnStep refused = TxnStep::ok;  // an add the coordinator refused or never answered
};

TxnWrites write_transaction(ClientEnv& env, LogClient& client, const PlannedOp& op,
                            const LogWorkloadOptions& options) {
  TxnWrites writes;
  std::vector<PartitionId> added;
  for (const auto& [partition, value] : op.txn_sends) {
    if (std::find(added.begin(), added.end(), partition) == added.end()) {
      writes.refused = client.add_to_transaction(partition, options.client.op_timeout_ns);
      if (writes.refused != TxnStep::ok) return writes;
      added.push_back(partition);
    }
    writes.results.push_back(client.send(partition, {value}, true)[0]);
    if (writes.results.back().outcome != SendOutcome::ok) return writes;
    // The client may crash mid-transaction: the coordinator times it out.
    if (crashes(env, options, op.crash)) {
      writes.crashed = true;
      return writes;
    }
  }
  writes.complete = true;
  return writes;
}

// Past what the fetch returned and what the broker left out (markers,
// aborted records).
Offset position_after(Offset position, const FetchResult& result) {
  for (const FetchedRecord& record : result.records)
    position = std::max(position, record.offset + 1);
  return std::max(position, result.next_offset);
}

bool refresh_membership(ClientEnv& env, LogClient& client, std::uint64_t member, Consumer& consumer,
                        const LogWorkloadOptions& options);
std::vector<PartitionId> readable(const Consumer& consumer);

// A transaction's poll (consume-transform-produce): one partition, from
// the process's position, read_committed as every fetch is. A group
// member reads one of its stable partitions (none: it reads nothing); any
// other process the partition the first value names. A fetch that failed
// read nothing. The position moves only if the transaction commits, so an
// aborted one's records are read again by the next.
TxnRead read_for_transaction(ClientEnv& env, LogClient& client, Consumer& consumer,
                             const PlannedOp& op, std::int64_t process,
                             const LogWorkloadOptions& options) {
  TxnRead read;
  const std::int64_t first_value = op.txn_sends.front().second;
  if (consumer.subscribed) {
    read.in_group = true;
    read.member = static_cast<std::uint64_t>(process) + 1;
    if (!refresh_membership(env, client, read.member, consumer, options)) return read;
    const std::vector<PartitionId> mine = readable(consumer);
    if (mine.empty()) return read;
    read.generation = consumer.generation;
    read.partition = mine[txn_draw("txn-poll-partition", first_value) % mine.size()];
  } else {
    read.partition = txn_poll_partition(first_value, options);
  }
  read.from = consumer.positions[*read.partition];
  read.next = read.from;
  const FetchResult result = client.fetch(*read.partition, read.from, options.poll_records_max,
                                          options.client.op_timeout_ns);
  if (!result.ok()) return read;
  read.records = result.records;
  read.next = position_after(read.from, result);
  return read;
}

// A group member's new position goes into the transaction (Kafka's
// sendOffsetsToTransaction): the group's offset moves only if it commits.
TxnStep commit_read_offset(LogClient& client, const TxnRead& read,
                           const LogWorkloadOptions& options) {
  if (!read.in_group || !read.partition || read.next <= read.from) return TxnStep::ok;
  return client.commit_offset_in_transaction(kLogConsumerGroup, read.member, read.generation,
                                             *read.partition, read.next,
                                             options.client.op_timeout_ns);
}

// A transaction: its values, each to its partition, with a group member's
// offset commit before or after them (drawn by the first value), then a
// commit (or, when it is meant to abort, a write failed or its offset
// commit was refused, an abort). Recorded ok with offsets once committed; fail when it
// aborted or was never asked to commit (a crashed client's, an abandoned
// one: nothing of it may be read); info, with what its poll read, when the
// commit's outcome is unknown. False when the process must retire
// (crashed, or its producer's epoch is no longer known).
bool txn_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                    LogClient& client, Consumer& consumer, const PlannedOp& op,
                    const LogWorkloadOptions& options) {
  const Value invoked = txn_value(op, nullptr, nullptr);
  recorder.invoke(env.now_ns(), process, "txn", std::nullopt, invoked);
  const TxnRead read =
      op.txn_poll ? read_for_transaction(env, client, consumer, op, process, options) : TxnRead{};
  // Kafka lets the offsets go into the transaction before or after its
  // sends; before, they are held (and the partition unstable) all the while.
  const bool offsets_first = txn_draw("txn-offsets-first", op.txn_sends.front().second) % 2 == 0;
  TxnStep offsets = offsets_first ? commit_read_offset(client, read, options) : TxnStep::ok;
  const TxnWrites writes =
      offsets == TxnStep::ok ? write_transaction(env, client, op, options) : TxnWrites{};
  if (writes.crashed) {
    recorder.complete(env.now_ns(), process, history::OpType::fail, invoked, kCrashed);
    return false;
  }
  const bool wanted = writes.complete && !meant_to_abort(op.txn_sends.front().second, options);
  if (!offsets_first && wanted) offsets = commit_read_offset(client, read, options);
  if (writes.refused == TxnStep::aborted || offsets == TxnStep::aborted) {
    // the coordinator had timed it out
    recorder.complete(env.now_ns(), process, history::OpType::fail, invoked);
    return true;
  }
  const bool commit = wanted && offsets == TxnStep::ok;
  const TxnEnd end = client.end_transaction(commit, options.client.op_timeout_ns);
  if (end == TxnEnd::committed && commit) {
    if (read.partition) consumer.positions[*read.partition] = read.next;
    recorder.complete(env.now_ns(), process, history::OpType::ok,
                      txn_value(op, &writes.results, &read));
    return true;
  }
  if (end == TxnEnd::aborted || !commit) {
    recorder.complete(env.now_ns(), process, history::OpType::fail, invoked);
    return end != TxnEnd::unknown;
  }
  recorder.complete(env.now_ns(), process, history::OpType::info,
                    op.txn_poll ? txn_value(op, nullptr, &read) : invoked);
  return false;
}

void assign_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                       Consumer& consumer, const PlannedOp& op) {
  const Value keys = assign_value(op.assignment);
  recorder.invoke(env.now_ns(), process, "assign", std::nullopt, keys);
  consumer = Consumer{};  // a new assignment reads from the start
  consumer.assigned = true;
  consumer.partitions = op.assignment;
  recorder.complete(env.now_ns(), process, history::OpType::ok, keys);
}

void subscribe_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                          Consumer& consumer, const PlannedOp& op) {
  const Value keys = assign_value(op.assignment);
  recorder.invoke(env.now_ns(), process, "subscribe", std::nullopt, keys);
  consumer = Consumer{};
  consumer.assigned = true;
  consumer.subscribed = true;  // the coordinator assigns, at the first poll
  recorder.complete(env.now_ns(), process, history::OpType::ok, keys);
}

// A group member's commit of its position in a partition.
struct GroupCommit {
  std::uint64_t member = 0;
  std::int64_t generation = 0;
};

// One poll's fetch of `partition` from `position` and the handling of what
// it read: the ok completion is recorded (the values are handled) and the
// position moves past them, unless the fetch failed or the client crashed
// first. A group member then commits the new position (the planted bug:
// before the handling). False when the client crashed.
bool fetch_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                      LogClient& client, PartitionId partition, Offset& position,
                      const LogWorkloadOptions& options, const GroupCommit* group,
                      std::optional<bool> scripted_crash) {
  const FetchResult result =
      client.fetch(partition, position, options.poll_records_max, options.client.op_timeout_ns);
  if (!result.ok()) {
    recorder.complete(env.now_ns(), process, history::OpType::fail, poll_invocation());
    return true;
  }
  const Offset next = position_after(position, result);
  const auto commit = [&] {
    if (group != nullptr && next > position)
      client.commit_offset(kLogConsumerGroup, group->member, group->generation, partition, next,
                           options.group_call_timeout_ns);
  };
  if (options.commit_before_process) commit();
  if (crashes(env, options, scripted_crash)) {
    recorder.complete(env.now_ns(), process, history::OpType::info, poll_invocation(), kCrashed);
    return false;
  }
  recorder.complete(env.now_ns(), process, history::OpType::ok,
                    polled_value(partition, result.records));
  if (!options.commit_before_process) commit();
  position = next;
  return true;
}

// An assigned consumer's poll. False when the client crashed.
bool poll_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                     LogClient& client, Consumer& consumer, const PlannedOp& op,
                     const LogWorkloadOptions& options) {
  if (!op.keyed)
    throw std::invalid_argument("a scripted poll of an assigned consumer needs its partition");
  recorder.invoke(env.now_ns(), process, "poll", key_value(op.partition), poll_invocation());
  return fetch_and_record(env, recorder, process, client, op.partition,
                          consumer.positions[op.partition], options, nullptr, op.crash);
}

// Takes the coordinator's view: a partition the member keeps keeps its
// position (or jumps to the group's committed offset when another member
// got further while it had it); a new one starts at the committed offset,
// or at 0 when the group has none (auto.offset.reset=earliest). A
// partition whose offset an open transaction holds keeps what position the
// member had and is not read until it is stable.
void take_view(Consumer& consumer, const GroupView& view) {
  std::vector<PartitionId> partitions;
  std::map<PartitionId, Offset> positions;
  consumer.unstable.clear();
  for (const commitlog::AssignedPartition& assigned : view.assigned) {
    partitions.push_back(assigned.partition);
    const auto kept = consumer.positions.find(assigned.partition);
    if (assigned.committed == commitlog::kUnstableOffset) {
      consumer.unstable.insert(assigned.partition);
      if (kept != consumer.positions.end()) positions[assigned.partition] = kept->second;
      continue;
    }
    const Offset committed = std::max<Offset>(assigned.committed, 0);
    positions[assigned.partition] =
        kept == consumer.positions.end() ? committed : std::max(kept->second, committed);
  }
  consumer.partitions = std::move(partitions);
  consumer.positions = std::move(positions);
  consumer.generation = view.generation;
}

std::vector<PartitionId> readable(const Consumer& consumer) {
  std::vector<PartitionId> partitions;
  for (PartitionId partition : consumer.partitions)
    if (!consumer.unstable.contains(partition)) partitions.push_back(partition);
  return partitions;
}

// Heartbeats when one is due (at once while a partition is unstable).
// False when the member has no assignment to poll by; a member whose
// heartbeat went unanswered polls by its last one (its commits are refused
// if the group has moved on).
bool refresh_membership(ClientEnv& env, LogClient& client, std::uint64_t member, Consumer& consumer,
                        const LogWorkloadOptions& options) {
  if (consumer.generation > 0 && consumer.unstable.empty() &&
      env.now_ns() - consumer.heartbeat_ns < options.group_heartbeat_ns)
    return true;
  const GroupView view = client.heartbeat(kLogConsumerGroup, member, options.group_call_timeout_ns);
  if (!view.ok()) return consumer.generation > 0;
  take_view(consumer, view);
  consumer.heartbeat_ns = env.now_ns();
  return true;
}

// A group member's poll. False when the client crashed.
bool group_poll_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                           LogClient& client, Consumer& consumer, const PlannedOp& op,
                           const LogWorkloadOptions& options) {
  recorder.invoke(env.now_ns(), process, "poll", std::nullopt, poll_invocation());
  const auto member = static_cast<std::uint64_t>(process) + 1;
  if (!refresh_membership(env, client, member, consumer, options)) {
    recorder.complete(env.now_ns(), process, history::OpType::fail, poll_invocation());
    return true;
  }
  const std::vector<PartitionId> mine = readable(consumer);
  if (mine.empty()) {
    env.sleep_for(options.group_heartbeat_ns);  // poll(timeout): nothing to read until then
    recorder.complete(env.now_ns(), process, history::OpType::ok, empty_poll_value());
    return true;
  }
  const PartitionId partition = mine[env.random().below(mine.size())];
  const GroupCommit group{member, consumer.generation};
  return fetch_and_record(env, recorder, process, client, partition, consumer.positions[partition],
                          options, &group, op.crash);
}

// One past the highest offset the history so far acknowledged a send to
// `partition` at: the drain's end cannot honestly be below it.
Offset acknowledged_end(const history::History& ops, PartitionId partition) {
  Offset end = 0;
  for (const history::Op& op : ops) {
    const bool completed = op.type == history::OpType::ok || op.type == history::OpType::info;
    const bool sends = op.f == "send" || (op.f == "txn" && op.type == history::OpType::ok);
    if (!completed || !sends || !op.value.is_list()) continue;
    for (const Value& micro : op.value.as_list()) {  // ["send", k, [offset, v]]
      if (!micro.is_list() || micro.as_list().size() != 3) continue;
      const Value::List& fields = micro.as_list();
      if (!fields[1].is_integer() || fields[1].as_integer() != partition) continue;
      if (!fields[2].is_list() || fields[2].as_list().size() != 2) continue;
      const Value& offset = fields[2].as_list()[0];
      if (offset.is_integer()) end = std::max(end, offset.as_integer() + 1);
    }
  }
  return end;
}

// Reads `partition` from offset 0 until a leader's high watermark says it
// is the end. While that end is below `acknowledged` (a new leader's
// watermark can lag its predecessor's), it keeps asking, up to
// drain_settle_ns without progress. Empty when the run stops first.
std::optional<std::vector<FetchedRecord>> drain(ClientEnv& env, LogClient& client,
                                                PartitionId partition, Offset acknowledged,
                                                const LogWorkloadOptions& options) {
  std::vector<FetchedRecord> records;
  Offset position = 0;
  std::int64_t settle_deadline_ns = -1;  // while caught up below `acknowledged`
  while (!env.stopping()) {
    const FetchResult result =
        client.fetch(partition, position, options.drain_records_max, options.client.op_timeout_ns);
    if (result.status == ClientStatus::unknown) continue;  // no answer: the fetch waited
    const Offset before = position;
    records.insert(records.end(), result.records.begin(), result.records.end());
    if (result.ok()) position = position_after(position, result);
    if (position < result.high_watermark) {
      settle_deadline_ns = -1;
      if (position == before) env.sleep_for(options.client.backoff_ns_max);  // nothing came
      continue;
    }
    if (position >= acknowledged) return records;
    if (settle_deadline_ns < 0 || position > before)
      settle_deadline_ns = env.now_ns() + options.drain_settle_ns;
    if (env.now_ns() >= settle_deadline_ns) return records;
    env.sleep_for(options.client.backoff_ns_max);
  }
  return std::nullopt;
}

void drain_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                      LogClient& client, PartitionId partition, const LogWorkloadOptions& options) {
  const Offset acknowledged = acknowledged_end(recorder.history(), partition);
  recorder.invoke(env.now_ns(), process, "final-poll", key_value(partition), poll_invocation());
  const auto records = drain(env, client, partition, acknowledged, options);
  if (records) {
    recorder.complete(env.now_ns(), process, history::OpType::ok,
                      polled_value(partition, *records));
  } else {
    recorder.complete(env.now_ns(), process, history::OpType::fail, poll_invocation());
  }
}

// Performs one op and records it; false when the process must retire.
bool perform_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        LogClient& client, Consumer& consumer, const PlannedOp& op,
                        const LogWorkloadOptions& options) {
  if (op.f == "send") return send_and_record(env, recorder, process, client, op);
  if (op.f == "txn") return txn_and_record(env, recorder, process, client, consumer, op, options);
  if (op.f == "poll" && consumer.subscribed)
    return group_poll_and_record(env, recorder, process, client, consumer, op, options);
  if (op.f == "poll") return poll_and_record(env, recorder, process, client, consumer, op, options);
  if (op.f == "assign") {
    assign_and_record(env, recorder, process, consumer, op);
  } else if (op.f == "subscribe") {
    subscribe_and_record(env, recorder, process, consumer, op);
  } else {
    drain_and_record(env, recorder, process, client, op.partition, options);
  }
  return true;
}

}  // namespace

LogRole log_role(std::int64_t slot, const LogWorkloadOptions& options) {
  assert(!options.roles.empty());
  return options.roles[static_cast<std::size_t>(slot) % options.roles.size()];
}

// With a script, each op is the script's, but the generator still plans
// one (and draws a think time) per op, so the client's random stream, which
// also picks the brokers it asks and its back-offs, is drawn exactly as in
// the run the script was taken from: the whole script replays that run.
void run_log_client(ClientEnv& client_env, HistoryRecorder& recorder, std::int64_t process,
                    const LogWorkloadOptions& options, const ClientScript* script) {
  assert(process >= 0);
  assert(options.partitions > 0);
  OpStreamEnv op_env(client_env, process);
  const bool op_streams = script != nullptr && options.op_streams;
  ClientEnv& env = op_streams ? op_env : client_env;
  // The client's slot survives retirements: process ids advance by the stride.
  const std::int64_t slot = options.process_stride > 0 ? process % options.process_stride : process;
  const LogRole role = log_role(slot, options);
  std::int64_t counter = 0;
  std::size_t next_scripted = 0;
  const auto script_left = [&] { return script == nullptr || next_scripted < script->size(); };
  bool think_due = false;  // scripted: the generator would sleep before the next op
  while (!env.stopping() && script_left()) {
    LogClient client(env, static_cast<std::uint64_t>(process) + 1, options.client);
    // A producer process sends in transactions or not at all (Kafka's
    // transactional producer), drawn per process.
    const bool transactional =
        role == LogRole::producer && env.random().below(100) < options.txn_percent;
    Consumer consumer;
    bool retired = false;
    while (!retired && !env.stopping() && script_left()) {
      // Unique across the run (and so within each partition): process ids never repeat.
      const auto next_unique = [&] { return process * 1'000'000 + ++counter; };
      if (op_streams) op_env.start_op((*script)[next_scripted]);
      PlannedOp op = plan(env, options, role, transactional, consumer, next_unique);
      if (script != nullptr) {
        wait_for_scripted_op(env, (*script)[next_scripted], think_due);
        op = scripted_plan((*script)[next_scripted++], options);
        if (env.stopping()) break;
      }
      retired = !perform_and_record(env, recorder, process, client, consumer, op, options);
      if (retired) {
        process += options.process_stride;
      } else {
        // A scripted client waits for its next op's time instead; after its
        // last op it thinks, as the generator did before it saw the stop.
        const std::int64_t think_ns = env.random().between(0, options.think_ns_max);
        if (!script_left() || script == nullptr) env.sleep_for(think_ns);
      }
      think_due = !retired;
    }
  }
}

void run_log_final_reads(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                         std::int64_t slot, std::int64_t readers,
                         const LogWorkloadOptions& options) {
  assert(slot >= 0);
  assert(readers > 0);
  LogClient client(env, 0, options.client);  // reads only
  for (std::int64_t partition = slot; partition < options.partitions && !env.stopping();
       partition += readers) {
    drain_and_record(env, recorder, process, client, static_cast<PartitionId>(partition), options);
  }
}

}  // namespace simlab

#include "workloads/kv_workload.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/op_stream_env.h"

namespace simlab {
namespace {

using history::Value;

Value history_value(const kv::KvValue& value) {
  if (const auto* number = std::get_if<std::int64_t>(&value.data)) return Value::integer(*number);
  if (const auto* text = std::get_if<std::string>(&value.data)) return Value::string(*text);
  return Value();
}

struct PlannedOp {
  std::string f;
  kv::Request request;
  Value invoke_value;
};

// A process's view: the last value it knows per key (for cas).
using LastSeen = std::map<std::uint64_t, std::int64_t>;

// A read now and then looks back at an earlier epoch's key: nothing writes
// there any more, so any change it shows is a lost or phantom write.
std::uint64_t read_key(ClientEnv& env, const KvWorkloadOptions& options, std::uint64_t epoch,
                       std::uint64_t slot) {
  const bool past = env.random().below(100) < options.past_read_percent;
  const std::uint64_t back =
      1 + env.random().below(std::max<std::uint64_t>(options.past_epochs, 1));
  if (!past || epoch == 0) return epoch * options.key_count + slot;
  return (epoch - std::min(back, epoch)) * options.key_count + slot;
}

PlannedOp plan(ClientEnv& env, const KvWorkloadOptions& options, std::int64_t unique,
               const LastSeen& last_seen, bool reader) {
  PlannedOp op;
  const std::uint64_t slot = env.random().below(options.key_count);
  const auto epoch = static_cast<std::uint64_t>(env.now_ns() / options.key_epoch_ns);
  op.request.key = epoch * options.key_count + slot;
  const bool register_key = slot % 2 == 0;
  const std::uint64_t draw = env.random().below(100);
  auto seen = last_seen.find(op.request.key);
  if (reader || draw < options.read_percent) {
    op.f = "read";
    op.request.kind = kv::RequestKind::read;
    op.request.key = read_key(env, options, epoch, slot);
  } else if (!register_key) {
    op.f = "append";
    op.request.kind = kv::RequestKind::append;
    const std::string token = std::to_string(unique) + ",";
    op.request.value = kv::KvValue{token};
    op.invoke_value = Value::string(token);
  } else if (draw < options.read_percent + options.cas_percent && seen != last_seen.end()) {
    op.f = "cas";
    op.request.kind = kv::RequestKind::cas;
    op.request.expected = kv::KvValue{seen->second};
    op.request.value = kv::KvValue{unique};
    op.invoke_value = Value::list({Value::integer(seen->second), Value::integer(unique)});
  } else {
    op.f = "write";
    op.request.kind = kv::RequestKind::write;
    op.request.value = kv::KvValue{unique};
    op.invoke_value = Value::integer(unique);
  }
  return op;
}

// The scripted op as the generator would have planned it. A script comes
// from a recorded history or a person's hand: anything else is bad input.
PlannedOp scripted_plan(const ScriptedOp& scripted) {
  PlannedOp op;
  op.f = scripted.f;
  op.invoke_value = scripted.value;
  if (!scripted.key || !scripted.key->is_integer() || scripted.key->as_integer() < 0)
    throw std::invalid_argument("a scripted kv op needs a non-negative integer key");
  op.request.key = static_cast<std::uint64_t>(scripted.key->as_integer());
  const Value& value = scripted.value;
  if (op.f == "read") {
    op.request.kind = kv::RequestKind::read;
  } else if (op.f == "write" && value.is_integer()) {
    op.request.kind = kv::RequestKind::write;
    op.request.value = kv::KvValue{value.as_integer()};
  } else if (op.f == "append" && value.is_string()) {
    op.request.kind = kv::RequestKind::append;
    op.request.value = kv::KvValue{value.as_string()};
  } else if (op.f == "cas" && value.is_list() && value.as_list().size() == 2 &&
             value.as_list()[0].is_integer() && value.as_list()[1].is_integer()) {
    op.request.kind = kv::RequestKind::cas;
    op.request.expected = kv::KvValue{value.as_list()[0].as_integer()};
    op.request.value = kv::KvValue{value.as_list()[1].as_integer()};
  } else {
    throw std::invalid_argument(
        "a scripted kv op is read, write N, append \"S\" or cas [A B]; got " + op.f);
  }
  return op;
}

// Performs one op and records its completion; false when its outcome is
// unknown (the process retires).
bool perform_and_record(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        KvClient& client, const PlannedOp& op, LastSeen& last_seen) {
  const auto key = Value::integer(static_cast<std::int64_t>(op.request.key));
  recorder.invoke(env.now_ns(), process, op.f, key, op.invoke_value);
  const KvResult result = client.perform(op.request);
  switch (result.outcome) {
    case KvOutcome::ok:
      if (op.f == "read") {
        recorder.complete(env.now_ns(), process, history::OpType::ok,
                          history_value(result.response.value));
        if (const auto* number = std::get_if<std::int64_t>(&result.response.value.data)) {
          last_seen[op.request.key] = *number;
        }
      } else {
        recorder.complete(env.now_ns(), process, history::OpType::ok, op.invoke_value);
        if (op.request.kind != kv::RequestKind::append) {
          last_seen[op.request.key] = std::get<std::int64_t>(op.request.value.data);
        }
      }
      return true;
    case KvOutcome::fail:
      recorder.complete(env.now_ns(), process, history::OpType::fail, op.invoke_value);
      // A failed cas reports the value it found: the next cas aims there.
      if (const auto* number = std::get_if<std::int64_t>(&result.response.value.data)) {
        last_seen[op.request.key] = *number;
      }
      return true;
    case KvOutcome::unknown:
      recorder.complete(env.now_ns(), process, history::OpType::info, op.invoke_value);
      return false;
  }
  return false;
}

}  // namespace

// With a script, each op is the script's, but the generator still plans
// one (and draws a think time) per op, so the client's random stream, which
// also picks the nodes it asks and its back-offs, is drawn exactly as in
// the run the script was taken from: the whole script replays that run.
void run_kv_client(ClientEnv& client_env, HistoryRecorder& recorder, std::int64_t process,
                   const KvWorkloadOptions& options, const ClientScript* script) {
  OpStreamEnv op_env(client_env, process);
  const bool op_streams = script != nullptr && options.op_streams;
  ClientEnv& env = op_streams ? op_env : client_env;
  std::int64_t counter = 0;
  std::size_t next_scripted = 0;
  // The client's slot survives retirements: process ids advance by the
  // stride, so process % stride names the client.
  const std::int64_t slot = options.process_stride > 0 ? process % options.process_stride : process;
  const bool reader = options.reader_every > 0 && slot % options.reader_every == options.reader_every - 1;
  const auto script_left = [&] { return script == nullptr || next_scripted < script->size(); };
  bool think_due = false;  // scripted: the generator would sleep before the next op
  while (!env.stopping() && script_left()) {
    KvClient client(env, static_cast<std::uint64_t>(process) + 1, options.client);
    LastSeen last_seen;
    bool retired = false;
    while (!retired && !env.stopping() && script_left()) {
      // Unique across the run: process ids never repeat.
      const std::int64_t unique = process * 1'000'000 + ++counter;
      if (op_streams) op_env.start_op((*script)[next_scripted]);
      PlannedOp op = plan(env, options, unique, last_seen, reader);
      if (script != nullptr) {
        wait_for_scripted_op(env, (*script)[next_scripted], think_due);
        op = scripted_plan((*script)[next_scripted++]);
        if (env.stopping()) break;
      }
      retired = !perform_and_record(env, recorder, process, client, op, last_seen);
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

namespace {

// Every key in the history so far, in the order first seen.
std::vector<std::uint64_t> keys_seen(const history::History& history) {
  std::vector<std::uint64_t> keys;
  std::set<std::uint64_t> seen;
  for (const history::Op& op : history) {
    if (!op.key || !op.key->is_integer()) continue;
    const auto key = static_cast<std::uint64_t>(op.key->as_integer());
    if (seen.insert(key).second) keys.push_back(key);
  }
  return keys;
}

}  // namespace

void run_kv_final_reads(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        std::int64_t slot, std::int64_t readers, const KvClientOptions& options) {
  const std::vector<std::uint64_t> keys = keys_seen(recorder.history());
  for (std::size_t i = static_cast<std::size_t>(slot); i < keys.size() && !env.stopping();
       i += static_cast<std::size_t>(readers)) {
    while (!env.stopping()) {
      KvClient client(env, static_cast<std::uint64_t>(process) + 1, options);
      const auto key = Value::integer(static_cast<std::int64_t>(keys[i]));
      recorder.invoke(env.now_ns(), process, "read", key, Value());
      kv::Request request;
      request.kind = kv::RequestKind::read;
      request.key = keys[i];
      const KvResult result = client.perform(request);
      if (result.outcome == KvOutcome::ok) {
        recorder.complete(env.now_ns(), process, history::OpType::ok,
                          history_value(result.response.value));
        break;
      }
      if (result.outcome == KvOutcome::fail) {
        recorder.complete(env.now_ns(), process, history::OpType::fail, Value());
        break;
      }
      recorder.complete(env.now_ns(), process, history::OpType::info, Value());
      process += readers;  // an unknown outcome retires the process, as for any client
    }
  }
}

}  // namespace simlab

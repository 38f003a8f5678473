#include "workloads/crdt_workload.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include "systems/crdt/crdt_protocol.h"
#include "workloads/op_stream_env.h"

namespace simlab {
namespace {

using crdt::ClientOp;
using crdt::ClientReply;
using crdt::ClientRequest;
using history::OpType;
using history::Value;

std::string key_name(std::int64_t key) { return "k" + std::to_string(key); }
std::string node_name(NodeId node) { return "n" + std::to_string(node); }

// Client c's k-th process (c + k * stride) asks replica c + k: a client
// whose replica stopped answering moves on to the next one, and so does one
// whose session has run its length (kSessionOpsMin to kSessionOpsMax ops), so clients
// come back to a replica that lost them all while it was down.
NodeId replica_of(const ClientEnv& env, std::int64_t process, std::int64_t stride) {
  const auto& nodes = env.nodes();
  const std::int64_t client = process % stride, successor = process / stride;
  return nodes[static_cast<std::size_t>(client + successor) % nodes.size()];
}

// Each workload's requests, and the name its writes record (a set's and a
// counter's add, a register's write).
struct KindOps {
  ClientOp read, write;
  const char* write_name;
};

KindOps ops_of(CrdtWorkloadKind kind) {
  switch (kind) {
    case CrdtWorkloadKind::counter:
      return {ClientOp::counter_read, ClientOp::counter_add, "add"};
    case CrdtWorkloadKind::lww_register:
      return {ClientOp::register_read, ClientOp::register_write, "write"};
    case CrdtWorkloadKind::mv_register:
      return {ClientOp::mv_read, ClientOp::mv_write, "write"};
    case CrdtWorkloadKind::set:
      break;
  }
  return {ClientOp::set_read, ClientOp::set_add, "add"};
}

Value read_value(CrdtWorkloadKind kind, const ClientReply& reply) {
  if (kind == CrdtWorkloadKind::counter) return Value::integer(reply.value);
  if (kind == CrdtWorkloadKind::lww_register)
    return reply.written ? Value::integer(reply.value) : Value();
  Value::List elements;
  elements.reserve(reply.elements.size());
  for (const std::int64_t element : reply.elements) elements.push_back(Value::integer(element));
  return Value::list(std::move(elements));
}

struct Call {
  OpType type = OpType::info;
  std::optional<ClientReply> reply;
};

// ok, fail (a replica still recovering, or a remove of an element the
// replica does not hold: nothing happened) or info (no answer).
Call perform(ClientEnv& env, NodeId node, const ClientRequest& request, std::int64_t timeout_ns) {
  const CallResult result = env.call(node, crdt::encode_request(request), timeout_ns);
  if (result.status != CallResult::Status::ok) return {};
  auto reply = crdt::decode_reply(result.response);
  if (!reply) return {};
  if (reply->status != crdt::ClientStatus::ok) return {OpType::fail, std::nullopt};
  return {OpType::ok, std::move(*reply)};
}

// The window of keys a set's adds go to at `now_ns` (counters: always 0).
std::int64_t key_window(const CrdtWorkloadOptions& options, std::int64_t now_ns) {
  if (options.kind != CrdtWorkloadKind::set) return 0;
  return std::min(now_ns, options.writes_end_ns) / options.key_period_ns;
}

// How many keys the run may have written to.
std::int64_t keys_written(const CrdtWorkloadOptions& options, std::int64_t now_ns) {
  return (key_window(options, now_ns) + 1) * options.keys;
}

std::int64_t draw_key(ClientEnv& env, const CrdtWorkloadOptions& options, bool add) {
  const auto below = [&](std::int64_t bound) {
    return static_cast<std::int64_t>(env.random().below(static_cast<std::uint64_t>(bound)));
  };
  const std::int64_t current =
      key_window(options, env.now_ns()) * options.keys + below(options.keys);
  if (current < options.keys) return current;
  // Reads go to an earlier key half the time; an add one time in eight (a
  // cold key written again long after, by replicas that may have crashed,
  // lost their disk or been cut off since they last wrote it).
  if (env.random().below(add ? 8 : 2) != 0) return current;
  return below(keys_written(options, env.now_ns()));  // an earlier key, or a current one
}

// A set element this process added at its replica and may remove and add
// again: Jepsen's set-full never removes, but an add-wins set's merge bugs
// show only when removes and re-adds cross. Every op of an element is by one
// process at one replica (a process that retires forgets its elements), so
// each remove follows that process's own last add in the replica's history
// and the element's last op says whether it must be in the final reads.
struct TrackedElement {
  std::int64_t key = 0;
  std::int64_t element = 0;
  bool present = false;  // after its last ok op
  int ops = 0;           // ok adds and removes so far
};

inline constexpr std::int64_t kSessionOpsMin = 16, kSessionOpsMax = 64;

inline constexpr int kTrackedOpsMax = 4;  // add, remove, add again, remove again
inline constexpr std::size_t kTrackedMax = 4;

struct DrawnOp {
  std::string f;
  std::string key;
  std::int64_t value = 0;              // an add's or remove's element, or a counter's delta
  std::int64_t key_index = -1;         // drawn, not scripted: the key's number
  std::optional<std::size_t> tracked;  // the tracked element it acts on
  NodeId node = kNoNode;               // scripted: the replica it names (else its process's)
  bool final_read = false;             // scripted: a final reader's read
};

// A third of a set client's writes act on one of its tracked elements of
// the current keys: remove it if present, else add it again.
std::optional<std::size_t> draw_tracked(ClientEnv& env, const CrdtWorkloadOptions& options,
                                        std::vector<TrackedElement>& tracked) {
  const std::int64_t window = key_window(options, env.now_ns());
  std::erase_if(tracked, [&](const TrackedElement& element) {
    return element.ops >= kTrackedOpsMax || element.key / options.keys != window;
  });
  if (tracked.empty() || env.random().below(3) != 0) return std::nullopt;
  return env.random().below(tracked.size());
}

DrawnOp draw_op(ClientEnv& env, const CrdtWorkloadOptions& options, std::int64_t fresh_element,
                std::vector<TrackedElement>& tracked) {
  // Registers: half writes, so reads often follow a write of their key.
  const bool registers = options.kind == CrdtWorkloadKind::lww_register ||
                         options.kind == CrdtWorkloadKind::mv_register;
  const std::uint64_t write_in = registers ? 2 : 4;
  const bool write = env.random().below(write_in) != 0 && env.now_ns() < options.writes_end_ns;
  if (write && options.kind == CrdtWorkloadKind::set) {
    if (const auto index = draw_tracked(env, options, tracked)) {
      const TrackedElement& element = tracked[*index];
      return DrawnOp{element.present ? "remove" : "add", key_name(element.key), element.element,
                     element.key, index};
    }
  }
  const std::int64_t key = draw_key(env, options, write);
  DrawnOp op{write ? ops_of(options.kind).write_name : "read", key_name(key), 0, key, std::nullopt};
  if (!write) return op;
  if (options.kind != CrdtWorkloadKind::counter) {
    op.value = fresh_element;
  } else {
    op.value = env.random().between(-3, 5);
    if (op.value == 0) op.value = 1;
  }
  return op;
}

// After an op's outcome: a fresh add that took effect is tracked, a tracked
// op that took effect moves its element on, and a definite failure of a
// tracked op (a remove the replica found nothing for) or a retirement
// forgets it.
void track_outcome(std::vector<TrackedElement>& tracked, const DrawnOp& op, OpType outcome) {
  if (outcome == OpType::info) return tracked.clear();
  if (op.tracked) {
    TrackedElement& element = tracked[*op.tracked];
    if (outcome == OpType::ok) {
      element.present = op.f == "add";
      ++element.ops;
    } else {
      tracked.erase(tracked.begin() + static_cast<std::ptrdiff_t>(*op.tracked));
    }
    return;
  }
  if (op.f == "add" && op.key_index >= 0 && outcome == OpType::ok && tracked.size() < kTrackedMax)
    tracked.push_back(TrackedElement{op.key_index, op.value, true, 1});
}

NodeId named_node(const ClientEnv& env, const std::string& name) {
  for (const NodeId node : env.nodes())
    if (node_name(node) == name) return node;
  throw std::invalid_argument("a scripted crdt op names node " + name + ", which the run lacks");
}

DrawnOp scripted_op(const ClientEnv& env, const ScriptedOp& op) {
  const bool key_ok = op.key && op.key->is_string();
  DrawnOp drawn;
  if (key_ok && op.f == "read") {
    drawn = {op.f, op.key->as_string(), 0, -1, std::nullopt};
  } else if (key_ok && (op.f == "add" || op.f == "remove" || op.f == "write") &&
             op.value.is_integer()) {
    drawn = {op.f, op.key->as_string(), op.value.as_integer(), -1, std::nullopt};
  } else {
    throw std::invalid_argument(
        "a scripted crdt op is add N, remove N, write N or read of a string key; got " + op.f);
  }
  if (!op.node.empty()) drawn.node = named_node(env, op.node);
  drawn.final_read = op.final_read && op.f == "read";
  return drawn;
}

ClientRequest request_of(CrdtWorkloadKind kind, const DrawnOp& op) {
  if (op.f == "read") return {ops_of(kind).read, op.key, 0};
  if (op.f == "remove") return {ClientOp::set_remove, op.key, op.value};
  return {ops_of(kind).write, op.key, op.value};
}

}  // namespace

void run_crdt_client(ClientEnv& client_env, HistoryRecorder& recorder, std::int64_t process,
                     const CrdtWorkloadOptions& options, const ClientScript* script) {
  OpStreamEnv op_env(client_env, process);
  const bool op_streams = script != nullptr && options.op_streams;
  ClientEnv& env = op_streams ? op_env : client_env;
  std::int64_t sequence = 0;
  std::size_t next_scripted = 0;
  bool think_due = false;
  std::vector<TrackedElement> tracked;
  std::int64_t session_ops_left = env.random().between(kSessionOpsMin, kSessionOpsMax);
  while (!env.stopping() && (script == nullptr || next_scripted < script->size())) {
    if (op_streams) op_env.start_op((*script)[next_scripted]);
    DrawnOp op = draw_op(env, options, process * 1'000'000 + ++sequence,
                         tracked);  // fresh elements are unique across the run
    if (script != nullptr) {
      const ScriptedOp& scripted = (*script)[next_scripted++];
      wait_for_scripted_op(env, scripted, think_due);
      if (env.stopping()) break;
      op = scripted_op(env, scripted);
      // After the heal clients only read, scripted or not: a shrunk run's
      // shorter safety phase must not leave writes racing its final reads.
      if (op.f != "read" && env.now_ns() >= options.writes_end_ns) continue;
    }
    const Value invoke_value = op.f == "read" ? Value() : Value::integer(op.value);
    const NodeId replica =
        op.node != kNoNode ? op.node : replica_of(env, process, options.process_stride);
    recorder.invoke(env.now_ns(), process, op.f, Value::string(op.key), invoke_value, op.final_read,
                    node_name(replica));
    const Call call = perform(env, replica, request_of(options.kind, op), options.op_timeout_ns);
    const Value completion =
        call.reply && op.f == "read" ? read_value(options.kind, *call.reply) : invoke_value;
    recorder.complete(env.now_ns(), process, call.type, completion);
    if (options.kind == CrdtWorkloadKind::set) track_outcome(tracked, op, call.type);
    if (call.type == OpType::info || --session_ops_left == 0) {
      process += options.process_stride;
      tracked.clear();  // a retired process forgets its elements
      session_ops_left = env.random().between(kSessionOpsMin, kSessionOpsMax);
    }
    const std::int64_t think_ns = env.random().between(0, options.think_ns_max);
    if (script == nullptr || next_scripted == script->size()) env.sleep_for(think_ns);
    think_due = true;
  }
}

namespace {

// One read of `key` on every replica; the values when all were ok, else nothing.
std::optional<std::vector<Value>> read_every_replica(ClientEnv& env, HistoryRecorder& recorder,
                                                     std::int64_t& process, const std::string& key,
                                                     const CrdtWorkloadOptions& options,
                                                     bool final_read) {
  std::vector<Value> values;
  bool all_ok = true;
  for (const NodeId node : env.nodes()) {
    if (env.stopping()) return std::nullopt;
    recorder.invoke(env.now_ns(), process, "read", Value::string(key), Value(), final_read,
                    node_name(node));
    const Call call =
        perform(env, node, {ops_of(options.kind).read, key, 0}, options.op_timeout_ns);
    const Value value = call.reply ? read_value(options.kind, *call.reply) : Value();
    recorder.complete(env.now_ns(), process, call.type, value);
    if (call.type == OpType::info) process += options.process_stride;
    all_ok = all_ok && call.type == OpType::ok;
    values.push_back(value);
  }
  if (!all_ok) return std::nullopt;
  return values;
}

bool all_equal(const std::vector<Value>& values) {
  for (const Value& value : values)
    if (!(value == values.front())) return false;
  return true;
}

}  // namespace

void run_crdt_final_reads(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                          std::int64_t slot, std::int64_t readers,
                          const CrdtWorkloadOptions& options) {
  env.sleep_for(2 * options.op_timeout_ns);
  const std::int64_t keys = keys_written(options, env.now_ns());
  for (std::int64_t key = slot; key < keys; key += readers) {
    for (int poll = 0; poll < options.converge_polls_max && !env.stopping(); ++poll) {
      const auto values = read_every_replica(env, recorder, process, key_name(key), options, false);
      if (values && all_equal(*values)) break;
      env.sleep_for(options.poll_interval_ns);
    }
    if (env.stopping()) return;
    read_every_replica(env, recorder, process, key_name(key), options, true);
  }
}

}  // namespace simlab

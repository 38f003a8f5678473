#include "workloads/register_workload.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "systems/register/register_messages.h"
#include "workloads/op_stream_env.h"

namespace simlab {
namespace {

using register_demo::ClientOp;
using register_demo::ClientReply;
using register_demo::ClientRequest;
using register_demo::ReplyStatus;

history::Value read_value(const std::optional<std::int64_t>& value) {
  return value ? history::Value::integer(*value) : history::Value();
}

// Sends to a random node; a backup that says "not primary" sent nothing to
// the log, so asking the primary next is the same operation.
std::optional<ClientReply> perform(ClientEnv& env, const ClientRequest& request,
                                   std::int64_t timeout_ns) {
  const auto& nodes = env.nodes();
  NodeId target = nodes[env.random().below(nodes.size())];
  for (int attempt = 0; attempt < 2; ++attempt) {
    const CallResult result = env.call(target, register_demo::encode(request), timeout_ns);
    if (result.status != CallResult::Status::ok) return std::nullopt;
    auto reply = register_demo::decode_reply(result.response);
    if (!reply) return std::nullopt;
    if (reply->status != ReplyStatus::not_primary) return reply;
    target = register_demo::kPrimary;
  }
  return std::nullopt;
}

}  // namespace

namespace {

// The scripted op as a register request; anything else is bad input.
ClientRequest scripted_request(const ScriptedOp& op) {
  const history::Value& value = op.value;
  if (op.f == "read") return ClientRequest{};
  if (op.f == "write" && value.is_integer()) return {ClientOp::write, value.as_integer(), 0};
  if (op.f == "cas" && value.is_list() && value.as_list().size() == 2 &&
      value.as_list()[0].is_integer() && value.as_list()[1].is_integer()) {
    return {ClientOp::cas, value.as_list()[0].as_integer(), value.as_list()[1].as_integer()};
  }
  throw std::invalid_argument("a scripted register op is read, write N or cas [A B]; got " + op.f);
}

}  // namespace

// With a script, the generator still draws its op and its think time, so
// the client's stream (which also picks the node asked) is drawn as in the
// run the script came from: the whole script replays that run.
void run_register_client(ClientEnv& client_env, HistoryRecorder& recorder, std::int64_t process,
                         const RegisterWorkloadOptions& options, const ClientScript* script) {
  OpStreamEnv op_env(client_env, process);
  const bool op_streams = script != nullptr && options.op_streams;
  ClientEnv& env = op_streams ? op_env : client_env;
  std::int64_t sequence = 0;
  std::optional<std::int64_t> last_seen;
  std::size_t next_scripted = 0;
  bool think_due = false;  // scripted: the generator would sleep before the next op
  while (!env.stopping() && (script == nullptr || next_scripted < script->size())) {
    // Unique across the run: no two processes share an id.
    const std::int64_t fresh = process * 1'000'000 + ++sequence;
    if (op_streams) op_env.start_op((*script)[next_scripted]);
    const std::uint64_t draw = env.random().below(10);
    ClientRequest request;
    history::Value invoke_value;
    std::string f;
    if (draw < 5) {
      f = "read";
    } else if (draw < 8 || !last_seen) {
      f = "write";
      request = {ClientOp::write, fresh, 0};
      invoke_value = history::Value::integer(fresh);
    } else {
      f = "cas";
      request = {ClientOp::cas, *last_seen, fresh};
      invoke_value = history::Value::list({history::Value::integer(*last_seen),
                                           history::Value::integer(fresh)});
    }
    if (script != nullptr) {
      const ScriptedOp& scripted = (*script)[next_scripted++];
      wait_for_scripted_op(env, scripted, think_due);
      if (env.stopping()) break;
      f = scripted.f;
      request = scripted_request(scripted);
      invoke_value = scripted.value;
    }
    recorder.invoke(env.now_ns(), process, f, std::nullopt, invoke_value);
    const auto reply = perform(env, request, options.op_timeout_ns);
    if (!reply) {
      recorder.complete(env.now_ns(), process, history::OpType::info, invoke_value);
      process += options.process_stride;
    } else if (reply->status == ReplyStatus::cas_mismatch) {
      recorder.complete(env.now_ns(), process, history::OpType::fail, invoke_value);
    } else if (f == "read") {
      recorder.complete(env.now_ns(), process, history::OpType::ok, read_value(reply->value));
      last_seen = reply->value;
    } else {
      recorder.complete(env.now_ns(), process, history::OpType::ok, invoke_value);
      last_seen = request.op == ClientOp::cas ? request.second : request.first;
    }
    // A scripted client waits for its next op's time instead; after its
    // last op it thinks, as the generator did before it saw the stop.
    const std::int64_t think_ns = env.random().between(0, options.think_ns_max);
    if (script == nullptr || next_scripted == script->size()) env.sleep_for(think_ns);
    think_due = true;
  }
}

void run_register_final_read(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                             const RegisterWorkloadOptions& options) {
  while (!env.stopping()) {
    recorder.invoke(env.now_ns(), process, "read", std::nullopt, history::Value());
    const auto reply = perform(env, ClientRequest{}, options.op_timeout_ns);
    if (reply && reply->status != ReplyStatus::cas_mismatch) {
      recorder.complete(env.now_ns(), process, history::OpType::ok, read_value(reply->value));
      return;
    }
    recorder.complete(env.now_ns(), process, history::OpType::info, history::Value());
    process += options.process_stride;
  }
}

}  // namespace simlab

#include "workloads/register_workload.h"

#include <optional>

#include "systems/register/register_messages.h"

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

void run_register_client(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                         const RegisterWorkloadOptions& options) {
  std::int64_t sequence = 0;
  std::optional<std::int64_t> last_seen;
  while (!env.stopping()) {
    // Unique across the run: no two processes share an id.
    const std::int64_t fresh = process * 1'000'000 + ++sequence;
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
      last_seen = fresh;
    }
    env.sleep_for(env.random().between(0, options.think_ns_max));
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

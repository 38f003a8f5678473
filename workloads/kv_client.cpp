#include "workloads/kv_client.h"

#include <algorithm>

namespace simlab {

KvClient::KvClient(ClientEnv& env, std::uint64_t client_id, KvClientOptions options)
    : env_(env), client_id_(client_id), options_(options) {}

NodeId KvClient::pick_target() {
  if (leader_ != kv::kNoLeader) return leader_;
  const auto& nodes = env_.nodes();
  return nodes[env_.random().below(nodes.size())];
}

void KvClient::back_off(int attempt) {
  const int shift = std::min(attempt, 6);
  const std::int64_t ceiling =
      std::min(options_.backoff_ns_max, options_.backoff_ns_min << shift);
  env_.sleep_for(env_.random().between(options_.backoff_ns_min / 2, ceiling));
}

// Retrying a command under the same sequence number is what makes retries
// safe: a duplicate that reaches the log is answered from the session.
// Any try that timed out or whose leader was deposed may still commit, so
// the operation ends `unknown` unless a later try learns its fate.
KvResult KvClient::perform(kv::Request request) {
  request.client_id = client_id_;
  const bool command = request.kind == kv::RequestKind::write ||
                       request.kind == kv::RequestKind::cas ||
                       request.kind == kv::RequestKind::append;
  if (command) request.sequence = ++sequence_;
  const Bytes payload = kv::encode_request(request);
  const std::int64_t deadline_ns = env_.now_ns() + options_.op_timeout_ns;
  bool maybe_applied = false;
  for (int attempt = 0; env_.now_ns() < deadline_ns; ++attempt) {
    const NodeId target = pick_target();
    const std::int64_t remaining_ns = deadline_ns - env_.now_ns();
    const CallResult call =
        env_.call(target, payload, std::min(options_.call_timeout_ns, remaining_ns));
    const std::optional<kv::Response> response =
        call.status == CallResult::Status::ok ? kv::decode_response(call.response) : std::nullopt;
    if (!response) {
      maybe_applied = maybe_applied || command;
      leader_ = kv::kNoLeader;
      continue;  // a timeout already waited: try another node at once
    }
    switch (response->status) {
      case kv::Status::ok: return KvResult{KvOutcome::ok, *response};
      case kv::Status::fail: return KvResult{KvOutcome::fail, *response};
      case kv::Status::unknown:
        maybe_applied = maybe_applied || command;
        leader_ = response->leader_hint;
        break;
      case kv::Status::not_leader:
        leader_ = response->leader_hint != target ? response->leader_hint : kv::kNoLeader;
        if (leader_ != kv::kNoLeader) continue;  // a hint: follow it without waiting
        break;
      case kv::Status::busy: break;
    }
    back_off(attempt);
  }
  return KvResult{maybe_applied ? KvOutcome::unknown : KvOutcome::fail, {}};
}

}  // namespace simlab

#include "workloads/log_client.h"

#include <algorithm>
#include <cassert>

namespace simlab {

using commitlog::ClientKind;
using commitlog::ClientReply;
using commitlog::ClientRequest;
using commitlog::ClientStatus;
using commitlog::PartitionId;

LogClient::LogClient(ClientEnv& env, std::uint64_t producer_id, LogClientOptions options)
    : env_(env), producer_id_(producer_id), options_(options) {
  assert(options_.call_timeout_ns > 0);
  assert(options_.backoff_ns_min > 0);
  assert(options_.backoff_ns_min <= options_.backoff_ns_max);
}

std::int64_t LogClient::next_sequence(PartitionId partition) const {
  const auto it = sequences_.find(partition);
  return it == sequences_.end() ? 0 : it->second;
}

NodeId LogClient::random_node() {
  const auto& nodes = env_.nodes();
  return nodes[env_.random().below(nodes.size())];
}

void LogClient::back_off(int attempt) {
  const int shift = std::min(attempt, 6);
  const std::int64_t ceiling = std::min(options_.backoff_ns_max, options_.backoff_ns_min << shift);
  env_.sleep_for(env_.random().between(options_.backoff_ns_min / 2, ceiling));
}

std::optional<ClientReply> LogClient::call(NodeId node, const Bytes& request,
                                           std::int64_t deadline_ns) {
  const std::int64_t timeout_ns = std::min(options_.call_timeout_ns, deadline_ns - env_.now_ns());
  assert(timeout_ns > 0);
  const CallResult result = env_.call(node, request, timeout_ns);
  if (result.status != CallResult::Status::ok) return std::nullopt;
  return commitlog::decode_client_reply(result.response);
}

// Any broker answers metadata; its view may be stale, which a not_leader
// reply corrects.
void LogClient::refresh_metadata(std::int64_t deadline_ns) {
  ClientRequest request;
  request.kind = ClientKind::metadata;
  if (env_.now_ns() >= deadline_ns) return;
  const auto reply = call(random_node(), commitlog::encode_client_request(request), deadline_ns);
  if (!reply || reply->status != ClientStatus::ok) return;
  for (const commitlog::PartitionInfo& info : reply->partitions) {
    if (info.leader != kNoNode) {
      leaders_[info.partition] = info.leader;
    } else {
      leaders_.erase(info.partition);
    }
  }
}

NodeId LogClient::target(PartitionId partition, std::int64_t deadline_ns) {
  if (const auto it = leaders_.find(partition); it != leaders_.end()) return it->second;
  refresh_metadata(deadline_ns);
  if (const auto it = leaders_.find(partition); it != leaders_.end()) return it->second;
  return random_node();
}

bool LogClient::follow_hint(PartitionId partition, NodeId asked, NodeId hint) {
  if (hint != kNoNode && hint != asked) {
    leaders_[partition] = hint;
    return true;
  }
  leaders_.erase(partition);
  return false;
}

// Every try carries the same (producer, epoch, sequence): a retry of a send
// an earlier try appended is a duplicate the broker answers with the first
// append's offset. A try that timed out or ended unknown may have been
// appended, so from then on the send can only end ok or unknown; before
// that, a refusal (not_leader, not_enough_replicas, a fenced sequence)
// means nothing was appended, and the send fails.
SendResult LogClient::send(PartitionId partition, std::int64_t value) {
  assert(producer_id_ != 0);
  ClientRequest request;
  request.kind = ClientKind::produce;
  request.partition = partition;
  request.value = value;
  request.producer_id = producer_id_;
  request.producer_epoch = 0;
  request.sequence = next_sequence(partition);
  request.acks = commitlog::Acks::all;
  const Bytes payload = commitlog::encode_client_request(request);
  const std::int64_t deadline_ns = env_.now_ns() + options_.op_timeout_ns;
  bool maybe_appended = false;
  for (int attempt = 0; env_.now_ns() < deadline_ns; ++attempt) {
    const NodeId node = target(partition, deadline_ns);
    if (env_.now_ns() >= deadline_ns) break;  // the metadata request took what was left
    const auto reply = call(node, payload, deadline_ns);
    if (!reply) {
      maybe_appended = true;
      leaders_.erase(partition);
      continue;  // a timeout already waited: ask again at once
    }
    switch (reply->status) {
      case ClientStatus::ok:
        sequences_[partition] = request.sequence + 1;
        return SendResult{SendOutcome::ok, reply->offset, false};
      case ClientStatus::not_leader:
        if (follow_hint(partition, node, reply->leader_hint)) continue;
        break;
      case ClientStatus::not_enough_replicas:
        if (!maybe_appended) return SendResult{SendOutcome::fail, -1, false};
        break;  // an earlier try may be in the log: keep asking to learn its fate
      case ClientStatus::out_of_order_sequence:
      case ClientStatus::fenced_producer:
        return SendResult{maybe_appended ? SendOutcome::unknown : SendOutcome::fail, -1, true};
      case ClientStatus::unknown:
      case ClientStatus::offset_out_of_range:  // not answers to a produce: assume the worst
      case ClientStatus::rebalance_in_progress:
      case ClientStatus::illegal_generation:
        maybe_appended = true;
        follow_hint(partition, node, reply->leader_hint);
        break;
    }
    back_off(attempt);
  }
  return SendResult{maybe_appended ? SendOutcome::unknown : SendOutcome::fail, -1, false};
}

FetchResult LogClient::fetch(PartitionId partition, commitlog::Offset offset,
                             std::uint32_t records_max, std::int64_t timeout_ns) {
  assert(offset >= 0);
  assert(records_max > 0);
  ClientRequest request;
  request.kind = ClientKind::fetch;
  request.partition = partition;
  request.offset = offset;
  request.records_max = records_max;
  const Bytes payload = commitlog::encode_client_request(request);
  const std::int64_t deadline_ns = env_.now_ns() + timeout_ns;
  for (int attempt = 0; env_.now_ns() < deadline_ns; ++attempt) {
    const NodeId node = target(partition, deadline_ns);
    if (env_.now_ns() >= deadline_ns) break;
    const auto reply = call(node, payload, deadline_ns);
    if (!reply) {
      leaders_.erase(partition);
      continue;
    }
    if (reply->status == ClientStatus::ok || reply->status == ClientStatus::offset_out_of_range)
      return FetchResult{reply->status, reply->high_watermark, reply->records};
    if (reply->status == ClientStatus::not_leader &&
        follow_hint(partition, node, reply->leader_hint))
      continue;
    if (reply->status != ClientStatus::not_leader) leaders_.erase(partition);
    back_off(attempt);
  }
  return FetchResult{};
}

std::optional<ClientReply> LogClient::ask_coordinator(const ClientRequest& request,
                                                      std::int64_t timeout_ns) {
  const Bytes payload = commitlog::encode_client_request(request);
  const std::int64_t deadline_ns = env_.now_ns() + timeout_ns;
  for (int attempt = 0; env_.now_ns() < deadline_ns; ++attempt) {
    const NodeId node = coordinator_ != kNoNode ? coordinator_ : random_node();
    std::optional<ClientReply> reply = call(node, payload, deadline_ns);
    if (!reply) {
      coordinator_ = kNoNode;
      continue;
    }
    if (reply->status == ClientStatus::not_leader) {
      const bool redirected = reply->leader_hint != kNoNode && reply->leader_hint != node;
      coordinator_ = redirected ? reply->leader_hint : kNoNode;
      if (!redirected) back_off(attempt);
      continue;
    }
    coordinator_ = node;
    if (reply->status != ClientStatus::rebalance_in_progress) return reply;
    back_off(attempt);
  }
  return std::nullopt;
}

GroupView LogClient::heartbeat(std::uint32_t group, std::uint64_t member, std::int64_t timeout_ns) {
  ClientRequest request;
  request.kind = ClientKind::group_heartbeat;
  request.group = group;
  request.member = member;
  const auto reply = ask_coordinator(request, timeout_ns);
  if (!reply) return GroupView{};
  return GroupView{reply->status, reply->generation, reply->assigned};
}

bool LogClient::commit_offset(std::uint32_t group, std::uint64_t member, std::int64_t generation,
                              PartitionId partition, commitlog::Offset offset,
                              std::int64_t timeout_ns) {
  ClientRequest request;
  request.kind = ClientKind::offset_commit;
  request.group = group;
  request.member = member;
  request.generation = generation;
  request.partition = partition;
  request.offset = offset;
  const auto reply = ask_coordinator(request, timeout_ns);
  return reply && reply->status == ClientStatus::ok;
}

}  // namespace simlab

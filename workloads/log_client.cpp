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

struct LogClient::InFlight {
  ClientRequest request;  // the batch's produce, with the epoch and sequence it carries now
  SendResult result;      // the batch's: `offset` is its first record's
  bool resolved = false;
  // A try timed out or ended unknown: from then on the batch can only end
  // ok or unknown. Until then every try was refused, so it was never
  // appended and may end failed.
  bool maybe_appended = false;
};

namespace {

bool unresolved(const std::vector<LogClient::InFlight>& batches) {
  return std::any_of(batches.begin(), batches.end(),
                     [](const auto& batch) { return !batch.resolved; });
}

}  // namespace

// The values go out as batches of up to batch_records_max (Kafka's
// producer fills a batch per partition up to batch.size), every batch in
// flight at once. Every try of a batch carries the same (producer, epoch,
// base sequence): a retry of a batch an earlier try appended is a duplicate
// the broker answers with the first append's offset. The broker may see a
// later batch before an earlier one and answer out_of_order_sequence: that
// batch is simply sent again next round, once the earlier ones have landed
// (Kafka's producer does the same for a batch that is not the first in
// flight). Only when every batch before it was acknowledged before the try
// went out does the refusal mean the broker lost this producer's state:
// then no sequence of it can land again.
std::vector<SendResult> LogClient::send(PartitionId partition,
                                        const std::vector<std::int64_t>& values,
                                        bool transactional) {
  assert(producer_id_ != 0);
  assert(!values.empty() && values.size() <= send_values_max());
  const std::size_t per_batch = options_.batch_records_max;
  std::vector<InFlight> batches((values.size() + per_batch - 1) / per_batch);
  std::int64_t sequence = next_sequence(partition);
  for (std::size_t b = 0; b < batches.size(); ++b) {
    ClientRequest& request = batches[b].request;
    request.kind = ClientKind::produce;
    request.partition = partition;
    request.values.assign(
        values.begin() + static_cast<std::ptrdiff_t>(b * per_batch),
        values.begin() + static_cast<std::ptrdiff_t>(std::min(values.size(), (b + 1) * per_batch)));
    request.producer_id = producer_id_;
    request.producer_epoch = producer_epoch_;
    request.sequence = sequence;
    sequence += static_cast<std::int64_t>(request.values.size());
    request.acks = commitlog::Acks::all;
    request.transactional = transactional;
  }
  const std::int64_t deadline_ns = env_.now_ns() + options_.op_timeout_ns;
  for (int attempt = 0; env_.now_ns() < deadline_ns && unresolved(batches); ++attempt) {
    const NodeId node = target(partition, deadline_ns);
    if (env_.now_ns() >= deadline_ns) break;  // the metadata request took what was left
    if (!send_round(batches, node, deadline_ns)) back_off(attempt);
  }
  return finish_send(batches, partition);
}

// One round: every unresolved batch to `node` at once. Acknowledgements are
// facts whatever order they came in, so they are taken first; the other
// answers then in sequence order. True when the next round may start at
// once (a timeout already waited, or a redirect names the leader).
bool LogClient::send_round(std::vector<InFlight>& batches, NodeId node, std::int64_t deadline_ns) {
  std::size_t acked_prefix = 0;  // batches acknowledged before this round
  while (acked_prefix < batches.size() && batches[acked_prefix].resolved) ++acked_prefix;
  std::vector<std::size_t> slots;
  std::vector<CallRequest> requests;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    if (batches[i].resolved) continue;
    slots.push_back(i);
    requests.push_back(CallRequest{node, commitlog::encode_client_request(batches[i].request)});
  }
  const std::int64_t timeout_ns = std::min(options_.call_timeout_ns, deadline_ns - env_.now_ns());
  const std::vector<CallResult> results = env_.call_all(std::move(requests), timeout_ns);
  std::vector<std::optional<ClientReply>> replies(slots.size());
  for (std::size_t k = 0; k < slots.size(); ++k) {
    if (results[k].status != CallResult::Status::ok) continue;
    replies[k] = commitlog::decode_client_reply(results[k].response);
    if (replies[k] && replies[k]->status == ClientStatus::ok) {
      batches[slots[k]].resolved = true;
      batches[slots[k]].result = SendResult{SendOutcome::ok, replies[k]->offset, false};
    }
  }
  bool at_once = false;
  bool bump_epoch = false;
  for (std::size_t k = 0; k < slots.size(); ++k) {
    if (batches[slots[k]].resolved) continue;
    at_once |=
        on_send_reply(batches, slots[k], replies[k], node, slots[k] == acked_prefix, bump_epoch);
  }
  if (bump_epoch) renumber_under_new_epoch(batches);
  return at_once;
}

bool LogClient::on_send_reply(std::vector<InFlight>& batches, std::size_t i,
                              const std::optional<ClientReply>& reply, NodeId node,
                              bool first_unacknowledged, bool& bump_epoch) {
  InFlight& value = batches[i];
  const PartitionId partition = value.request.partition;
  if (!reply) {
    value.maybe_appended = true;
    leaders_.erase(partition);
    return true;  // the timeout already waited: ask again at once
  }
  switch (reply->status) {
    case ClientStatus::ok:
      return false;  // taken before
    case ClientStatus::not_leader:
      return follow_hint(partition, node, reply->leader_hint);
    case ClientStatus::not_enough_replicas:
      if (!value.maybe_appended) settle(value, false);
      return false;  // else an earlier try may be in the log: keep asking to learn its fate
    case ClientStatus::out_of_order_sequence:
      if (options_.retry_out_of_order_with_new_epoch) {
        bump_epoch = true;
        return true;
      }
      if (first_unacknowledged) settle(value, true);
      return false;
    case ClientStatus::fenced_producer:
      settle(value, true);
      return false;
    case ClientStatus::unknown:
    case ClientStatus::offset_out_of_range:  // not answers to a produce: assume the worst
    case ClientStatus::rebalance_in_progress:
    case ClientStatus::illegal_generation:
    case ClientStatus::concurrent_transactions:
    case ClientStatus::invalid_txn_state:
      value.maybe_appended = true;
      follow_hint(partition, node, reply->leader_hint);
      return false;
  }
  return false;
}

// The batch's fate as far as its tries tell: refused every time, it failed;
// otherwise it may be in the log.
void LogClient::settle(InFlight& value, bool producer_unusable) {
  value.resolved = true;
  value.result = SendResult{value.maybe_appended ? SendOutcome::unknown : SendOutcome::fail, -1,
                            producer_unusable};
}

// The planted bug's recovery: a fresh epoch restarts every partition's
// sequences at 0, and the unanswered batches take them in order, so the
// broker cannot tell a resent batch from a new one.
void LogClient::renumber_under_new_epoch(std::vector<InFlight>& batches) {
  ++producer_epoch_;
  sequences_.clear();
  std::int64_t sequence = 0;
  for (InFlight& batch : batches) {
    if (batch.resolved) continue;
    batch.request.producer_epoch = producer_epoch_;
    batch.request.sequence = sequence;
    sequence += static_cast<std::int64_t>(batch.request.values.size());
  }
}

// The next send continues after the last batch acknowledged under the
// current epoch; a batch that failed was never appended, so its sequences
// are free again. Result i is value i's: a batch's records are at
// consecutive offsets from its first.
std::vector<SendResult> LogClient::finish_send(std::vector<InFlight>& batches,
                                               PartitionId partition) {
  std::vector<SendResult> results;
  for (InFlight& batch : batches) {
    if (!batch.resolved) settle(batch, false);
    const auto count = static_cast<std::int64_t>(batch.request.values.size());
    if (batch.result.outcome == SendOutcome::ok && batch.request.producer_epoch == producer_epoch_)
      sequences_[partition] = batch.request.sequence + count;
    for (std::int64_t i = 0; i < count; ++i) {
      SendResult result = batch.result;
      if (result.outcome == SendOutcome::ok) result.offset += i;
      results.push_back(result);
    }
  }
  return results;
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
  request.read_committed = true;
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
      return FetchResult{reply->status, reply->high_watermark, reply->records,
                         std::max(offset, reply->next_offset)};
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
    if (reply->status != ClientStatus::rebalance_in_progress &&
        reply->status != ClientStatus::concurrent_transactions)
      return reply;
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

namespace {

// A group member's offset for a partition, as an OffsetCommit or, inside a
// transaction, a TxnOffsetCommit.
ClientRequest offset_commit_request(ClientKind kind, std::uint32_t group, std::uint64_t member,
                                    std::int64_t generation, PartitionId partition,
                                    commitlog::Offset offset) {
  ClientRequest request;
  request.kind = kind;
  request.group = group;
  request.member = member;
  request.generation = generation;
  request.partition = partition;
  request.offset = offset;
  return request;
}

}  // namespace

bool LogClient::commit_offset(std::uint32_t group, std::uint64_t member, std::int64_t generation,
                              PartitionId partition, commitlog::Offset offset,
                              std::int64_t timeout_ns) {
  const auto reply = ask_coordinator(offset_commit_request(ClientKind::offset_commit, group, member,
                                                           generation, partition, offset),
                                     timeout_ns);
  return reply && reply->status == ClientStatus::ok;
}

TxnStep LogClient::add_to_transaction(PartitionId partition, std::int64_t timeout_ns) {
  ClientRequest request;
  request.kind = ClientKind::txn_add_partition;
  request.partition = partition;
  return transaction_step(request, timeout_ns);
}

TxnStep LogClient::commit_offset_in_transaction(std::uint32_t group, std::uint64_t member,
                                                std::int64_t generation, PartitionId partition,
                                                commitlog::Offset offset, std::int64_t timeout_ns) {
  ClientRequest request = offset_commit_request(ClientKind::txn_offset_commit, group, member,
                                                generation, partition, offset);
  return transaction_step(request, timeout_ns);
}

TxnStep LogClient::transaction_step(ClientRequest& request, std::int64_t timeout_ns) {
  request.producer_id = producer_id_;
  request.producer_epoch = producer_epoch_;
  const auto reply = ask_coordinator(request, timeout_ns);
  if (!reply || reply->status == ClientStatus::unknown) return TxnStep::unknown;
  if (reply->status == ClientStatus::ok) return TxnStep::ok;
  if (reply->status == ClientStatus::illegal_generation) return TxnStep::fenced;
  // Not this epoch's transaction any more: the coordinator ended it (it
  // timed out), and it ended in an abort, the only end nobody asked for.
  // The next transaction takes the coordinator's epoch.
  if (reply->status == ClientStatus::invalid_txn_state) {
    adopt_epoch(reply->producer_epoch);
    return TxnStep::aborted;
  }
  return TxnStep::unknown;
}

void LogClient::adopt_epoch(commitlog::Epoch epoch) {
  if (epoch == producer_epoch_) return;
  producer_epoch_ = epoch;
  sequences_.clear();  // a new epoch starts every partition's sequence at 0
}

TxnEnd LogClient::end_transaction(bool commit, std::int64_t timeout_ns) {
  ClientRequest request;
  request.kind = ClientKind::txn_end;
  request.producer_id = producer_id_;
  request.producer_epoch = producer_epoch_;
  request.commit = commit;
  const auto reply = ask_coordinator(request, timeout_ns);
  if (!reply || reply->status != ClientStatus::ok) return TxnEnd::unknown;
  adopt_epoch(reply->producer_epoch);
  return reply->committed ? TxnEnd::committed : TxnEnd::aborted;
}

}  // namespace simlab

// The follower's side of replication: find where its log stops agreeing
// with the leader's by leader epoch (KIP-101, with KIP-279's repeated
// question when the leader lacks the follower's latest epoch), cut there,
// then fetch.
#include <fmt/format.h>

#include "systems/log/partition_replica.h"

namespace simlab::commitlog {

void PartitionReplica::send_epoch_query(NodeContext& context) {
  asked_epoch_ = latest_epoch();
  if (asked_epoch_ < 0) {  // nothing to disagree about
    step_ = FollowerStep::fetching;
    send_fetch(context);
    return;
  }
  BrokerMessage query;
  query.kind = BrokerKind::epoch_query;
  query.partition = id_;
  query.leader_epoch = state_.leader_epoch;
  query.epoch = asked_epoch_;
  request_in_flight_ = true;
  last_request_ns_ = context.monotonic_ns();
  context.send(state_.leader, encode_broker_message(query));
}

void PartitionReplica::handle_epoch_answer(NodeContext& context, const BrokerMessage& message) {
  if (role_ != ReplicaRole::follower || step_ != FollowerStep::truncating ||
      message.leader_epoch != state_.leader_epoch) {
    return;
  }
  request_in_flight_ = false;
  if (message.error != FetchError::none) return;  // asked again on a later tick
  if (message.epoch == asked_epoch_) {
    truncate_to(context, std::min(message.end_offset, log_end()));
  } else {
    // The leader lacks our latest epoch: everything from our first epoch
    // above its answer diverges; below that, ask again about what is left.
    const auto above = epoch_starts_.upper_bound(message.epoch);
    const Offset cut = above == epoch_starts_.end() ? log_end() : above->second;
    truncate_to(context, std::min(cut, message.end_offset));
    if (latest_epoch() >= 0 && latest_epoch() != message.epoch) {
      send_epoch_query(context);
      return;
    }
  }
  step_ = FollowerStep::fetching;
  send_fetch(context);
}

void PartitionReplica::send_fetch(NodeContext& context) {
  // BUGGIFY: a slow follower skips a round, so the ISR shrinks and grows.
  if (context.buggify("log.follower-stall")) return;
  BrokerMessage fetch;
  fetch.kind = BrokerKind::replica_fetch;
  fetch.partition = id_;
  fetch.leader_epoch = state_.leader_epoch;
  fetch.fetch_offset = log_end();
  fetch.durable_end = durable_end_;
  fetch.high_watermark = hw_;
  reported_durable_ = durable_end_;
  request_in_flight_ = true;
  last_request_ns_ = context.monotonic_ns();
  context.send(state_.leader, encode_broker_message(fetch));
}

void PartitionReplica::handle_fetch_reply(NodeContext& context, const BrokerMessage& message) {
  if (role_ != ReplicaRole::follower || step_ != FollowerStep::fetching ||
      message.leader_epoch != state_.leader_epoch) {
    return;
  }
  request_in_flight_ = false;
  if (message.error != FetchError::none) {
    if (message.error == FetchError::stale_epoch) step_ = FollowerStep::truncating;
    return;
  }
  if (!message.records.empty() && message.records.front().offset != log_end()) return;  // stale
  append(context, message.records);
  raise_high_watermark(std::min(message.high_watermark, log_end()));
  // Repaired once it holds on disk everything the leader held when it first
  // answered (every record committed before the damage is among those):
  // the leader's high watermark may itself lag, its checkpoint lost.
  if (damaged_ && repair_target_ < 0) repair_target_ = message.end_offset;
  if (damaged_ && durable_end_ >= repair_target_) {
    clear_damage(context);  // it holds every committed record again
    if (context.log_enabled()) context.log(fmt::format("p{}: repaired from the leader", id_));
  }
  send_fetch(context);  // the leader holds it until there is more
}

// A follower whose fsync moved its durable end says so at once (its fetch
// may be parked at the leader): the leader's high watermark waits on it.
void PartitionReplica::report_durable(NodeContext& context) {
  if (role_ == ReplicaRole::follower && step_ == FollowerStep::fetching &&
      durable_end_ > reported_durable_) {
    send_fetch(context);
  }
}

void PartitionReplica::on_message(NodeContext& context, NodeId from, const BrokerMessage& message) {
  if (!loaded_) return;
  switch (message.kind) {
    case BrokerKind::replica_fetch:
      handle_replica_fetch(context, from, message);
      break;
    case BrokerKind::replica_fetch_reply:
      handle_fetch_reply(context, message);
      break;
    case BrokerKind::epoch_query:
      handle_epoch_query(context, from, message);
      break;
    case BrokerKind::epoch_answer:
      handle_epoch_answer(context, message);
      break;
    case BrokerKind::txn_marker:
      handle_txn_marker(context, from, message);
      break;
    default:
      break;
  }
}

}  // namespace simlab::commitlog

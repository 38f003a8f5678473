// The leader's side of replication: serving followers' fetches and epoch
// queries, the high watermark from the ISR's durable ends, and ISR upkeep
// through the controller (Kafka's AlterPartition).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "systems/log/partition_replica.h"

namespace simlab::commitlog {
namespace {

constexpr std::int64_t kIsrResendNs = 200 * kNanosecondsPerMillisecond;

}  // namespace

void PartitionReplica::handle_replica_fetch(NodeContext& context, NodeId from,
                                            const BrokerMessage& message) {
  BrokerMessage answer;
  answer.kind = BrokerKind::replica_fetch_reply;
  answer.partition = id_;
  answer.leader_epoch = message.leader_epoch;
  if (role_ != ReplicaRole::leader || message.leader_epoch != state_.leader_epoch ||
      message.fetch_offset > log_end()) {
    // Not ours to answer, or a follower past our end (it has not truncated
    // to this epoch): it asks again where its epoch ends.
    answer.error = role_ != ReplicaRole::leader ? FetchError::not_leader : FetchError::stale_epoch;
    context.send(from, encode_broker_message(answer));
    return;
  }
  auto found = followers_.find(from);
  if (found == followers_.end()) return;  // not a replica of this partition
  FollowerProgress& progress = found->second;
  progress.log_end = message.fetch_offset;
  progress.durable_end = std::min(message.durable_end, message.fetch_offset);
  if (progress.durable_end >= log_end()) {
    progress.caught_up_ns = context.monotonic_ns();
  } else if (progress.durable_end >= progress.replied_end) {
    progress.caught_up_ns = std::max(progress.caught_up_ns, progress.replied_ns);
  }
  if (message.fetch_offset == log_end() && message.high_watermark >= hw_) {
    progress.parked = true;  // nothing new for it: answered on the next append
    progress.parked_ns = context.monotonic_ns();
  } else {
    progress.parked = false;
    send_fetch_reply(context, from, message.fetch_offset);
  }
  advance_high_watermark(context);
  // A follower back in step joins the ISR once it holds everything
  // committed and everything this epoch began with.
  const Offset epoch_start = epoch_starts_.count(state_.leader_epoch) != 0
                                 ? epoch_starts_.at(state_.leader_epoch)
                                 : log_end();
  if (!state_.in_isr(from) && !pending_isr_ && progress.durable_end >= std::max(hw_, epoch_start)) {
    std::vector<NodeId> isr = state_.isr;
    isr.push_back(from);
    std::sort(isr.begin(), isr.end());
    ask_isr_change(context, std::move(isr));
  }
}

void PartitionReplica::handle_epoch_query(NodeContext& context, NodeId from,
                                          const BrokerMessage& message) {
  BrokerMessage answer;
  answer.kind = BrokerKind::epoch_answer;
  answer.partition = id_;
  answer.leader_epoch = message.leader_epoch;
  if (role_ != ReplicaRole::leader || message.leader_epoch != state_.leader_epoch) {
    answer.error = role_ != ReplicaRole::leader ? FetchError::not_leader : FetchError::stale_epoch;
  } else {
    const auto [epoch, end] = epoch_end(message.epoch);
    answer.epoch = epoch;
    answer.end_offset = end;
  }
  context.send(from, encode_broker_message(answer));
}

void PartitionReplica::send_fetch_reply(NodeContext& context, NodeId to, Offset from) {
  BrokerMessage answer;
  answer.kind = BrokerKind::replica_fetch_reply;
  answer.partition = id_;
  answer.leader_epoch = state_.leader_epoch;
  answer.high_watermark = hw_;
  answer.end_offset = log_end();
  const Offset end = std::min<Offset>(log_end(), from + env_.options->records_per_fetch);
  for (Offset offset = from; offset < end; ++offset) {
    answer.records.push_back(log_[static_cast<std::size_t>(offset)]);
  }
  const auto follower = followers_.find(to);
  if (follower != followers_.end()) {
    follower->second.replied_end = end;
    follower->second.replied_ns = context.monotonic_ns();
  }
  context.send(to, encode_broker_message(answer));
}

void PartitionReplica::answer_parked(NodeContext& context, bool expired_only) {
  // Well inside replica_lag (Kafka: replica.fetch.wait.max.ms 500 against
  // replica.lag.time.max.ms 30 s): an idle follower reports its durable end
  // on the fetch after this answer, and must not look lagging meanwhile.
  const std::int64_t park_ns_max =
      std::min<std::int64_t>(100 * kNanosecondsPerMillisecond, env_.options->replica_lag_ns / 4);
  if (role_ != ReplicaRole::leader) return;
  const std::int64_t now = context.monotonic_ns();
  for (auto& [follower, progress] : followers_) {
    if (!progress.parked) continue;
    if (expired_only && now - progress.parked_ns < park_ns_max) continue;
    progress.parked = false;
    send_fetch_reply(context, follower, progress.log_end);
  }
}

std::vector<NodeId> PartitionReplica::counted_isr() const {
  std::vector<NodeId> members = state_.isr;
  if (pending_isr_) {
    for (NodeId member : pending_isr_->isr) {
      if (std::find(members.begin(), members.end(), member) == members.end()) {
        members.push_back(member);
      }
    }
  }
  std::sort(members.begin(), members.end());
  return members;
}

// The high watermark is the least durable end among the ISR, counting any
// member the leader has asked to add or remove (KIP-497's "maximal ISR"):
// a record below it is on the disk of every replica the controller could
// make the next leader.
void PartitionReplica::advance_high_watermark(NodeContext& context) {
  if (role_ != ReplicaRole::leader) return;
  const std::vector<NodeId> members = counted_isr();
  const bool alone = members.size() == 1 && members.front() == env_.self;
  Offset least = log_end();
  for (NodeId member : members) {
    if (member == env_.self) {
      // The planted bug: alone in the ISR, the leader counts what it has
      // not yet synced.
      least = std::min(least,
                       alone && env_.bugs.ack_before_fsync_last_replica ? log_end() : durable_end_);
      continue;
    }
    const auto found = followers_.find(member);
    least = std::min(least, found == followers_.end() || found->second.log_end < 0
                                ? Offset{0}
                                : found->second.durable_end);
  }
  const Offset before = hw_;
  raise_high_watermark(least);
  answer_pending(context);
  if (hw_ > before) answer_parked(context, false);
}

void PartitionReplica::maintain_isr(NodeContext& context) {
  answer_parked(context, true);
  const std::int64_t now = context.monotonic_ns();
  if (pending_isr_) {
    if (now - pending_isr_->sent_ns >= kIsrResendNs) ask_isr_change(context, pending_isr_->isr);
    return;
  }
  // A follower that fsyncs by interval makes a reply durable up to an
  // interval later: that is not lag (without the allowance the ISR flapped
  // whenever the interval neared replica_lag).
  const std::int64_t fsync_allowance_ns =
      env_.options->fsync == FsyncPolicy::interval ? env_.options->fsync_interval_ns : 0;
  std::vector<NodeId> keep;
  for (NodeId member : state_.isr) {
    const auto found = followers_.find(member);
    const bool lagging =
        member != env_.self && found != followers_.end() &&
        now - found->second.caught_up_ns > env_.options->replica_lag_ns + fsync_allowance_ns;
    if (!lagging) keep.push_back(member);
  }
  if (keep.size() < state_.isr.size()) ask_isr_change(context, std::move(keep));
}

void PartitionReplica::ask_isr_change(NodeContext& context, std::vector<NodeId> isr) {
  if (!pending_isr_ || pending_isr_->isr != isr) {
    pending_isr_ = PendingIsr{state_.partition_epoch, isr, 0};
    if (context.log_enabled()) {
      context.log(fmt::format("p{}: ask isr [{}] -> [{}]", id_, fmt::join(state_.isr, ","),
                              fmt::join(isr, ",")));
    }
  }
  pending_isr_->sent_ns = context.monotonic_ns();
  BrokerMessage message;
  message.kind = BrokerKind::alter_isr;
  message.partition = id_;
  message.leader_epoch = state_.leader_epoch;
  message.partition_epoch = pending_isr_->based_on;
  message.isr = std::move(isr);
  env_.to_controller(context, message);
}

}  // namespace simlab::commitlog

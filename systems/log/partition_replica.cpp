// Roles and client requests of one partition replica.
#include "systems/log/partition_replica.h"

#include <fmt/format.h>

#include <algorithm>

#include "systems/common/violation.h"

namespace simlab::commitlog {

void PartitionReplica::on_metadata(NodeContext& context, const PartitionState& state) {
  const bool changed =
      !have_state_ || state.leader != state_.leader || state.leader_epoch != state_.leader_epoch;
  state_ = state;
  have_state_ = true;
  // A change asked at an older partition epoch was decided (applied or
  // refused): the ISR in force now says which.
  if (pending_isr_ && state_.partition_epoch > pending_isr_->based_on) pending_isr_.reset();
  if (!loaded_) return;
  const bool elected_here =
      state_.leader == env_.self && state_.leader_incarnation == env_.incarnation;
  ReplicaRole wanted = elected_here                 ? ReplicaRole::leader
                       : state_.leader == env_.self ? ReplicaRole::none
                       : state_.leader == kNoNode   ? ReplicaRole::none
                                                    : ReplicaRole::follower;
  // Metadata older than a record this log holds is provably stale: leading
  // or following that epoch would put an older epoch after a newer one.
  if (state_.leader_epoch < latest_epoch()) wanted = ReplicaRole::none;
  if (damaged_ && wanted == ReplicaRole::leader) wanted = ReplicaRole::none;
  if (!changed && wanted == role_) {
    if (role_ == ReplicaRole::leader) advance_high_watermark(context);
    return;
  }
  if (wanted == ReplicaRole::leader) {
    become_leader(context);
  } else if (wanted == ReplicaRole::follower) {
    become_follower(context);
  } else {
    step_down(context);
  }
}

void PartitionReplica::step_down(NodeContext& context) {
  // Records still waiting for the high watermark may yet be committed by the
  // next leader, or truncated: the client cannot be told which.
  for (const PendingProduce& pending : pending_) {
    reply(context, pending.request, status_reply(ClientStatus::unknown, state_.leader));
  }
  pending_.clear();
  pending_markers_.clear();  // the coordinator sends its markers again
  followers_.clear();
  pending_isr_.reset();
  role_ = ReplicaRole::none;
}

void PartitionReplica::become_leader(NodeContext& context) {
  step_down(context);
  role_ = ReplicaRole::leader;
  // The new epoch starts at the log end (KIP-101): a follower asking where
  // an older epoch ends is told where this one began.
  if (latest_epoch() < state_.leader_epoch) epoch_starts_[state_.leader_epoch] = log_end();
  for (NodeId replica : state_.replicas) {
    if (replica != env_.self) followers_[replica] = FollowerProgress{-1, 0, context.monotonic_ns()};
  }
  if (context.log_enabled()) {
    context.log(fmt::format("p{}: leader of epoch {} at {} (hw {}) isr [{}]", id_,
                            state_.leader_epoch, log_end(), hw_, fmt::join(state_.isr, ",")));
  }
  advance_high_watermark(context);
}

void PartitionReplica::become_follower(NodeContext& context) {
  step_down(context);
  role_ = ReplicaRole::follower;
  request_in_flight_ = false;
  repair_target_ = -1;  // a new leader says anew what there is to hold
  if (env_.bugs.hw_truncation) {
    // Before KIP-101: whatever is above the high watermark is presumed
    // uncommitted and cut, without asking the leader.
    truncate_to(context, hw_);
    step_ = FollowerStep::fetching;
    send_fetch(context);
    return;
  }
  step_ = FollowerStep::truncating;
  send_epoch_query(context);
}

void PartitionReplica::reply(NodeContext& context, RequestId request,
                             const ClientReply& answer) const {
  context.reply(request, encode_client_reply(answer));
}

void PartitionReplica::on_produce(NodeContext& context, RequestId request,
                                  const ClientRequest& produce) {
  if (!loaded_ || role_ != ReplicaRole::leader) {
    reply(context, request, status_reply(ClientStatus::not_leader, state_.leader));
    return;
  }
  // BUGGIFY: an overloaded leader turns the batch away before it looks at it.
  if (context.buggify("log.produce-refused")) {
    reply(context, request, status_reply(ClientStatus::not_leader, kNoNode));
    return;
  }
  if (produce.acks == Acks::all && state_.isr.size() < env_.options->min_insync) {
    reply(context, request, status_reply(ClientStatus::not_enough_replicas, env_.self));
    return;
  }
  const auto count = static_cast<std::int64_t>(produce.values.size());
  const SequenceVerdict verdict =
      producers_.check(produce.producer_id, produce.producer_epoch, produce.sequence, count);
  switch (verdict.check) {
    case SequenceCheck::fenced:
      reply(context, request, status_reply(ClientStatus::fenced_producer, env_.self));
      return;
    case SequenceCheck::out_of_order:
      reply(context, request, status_reply(ClientStatus::out_of_order_sequence, env_.self));
      return;
    case SequenceCheck::duplicate:
      // Already in the log: answered like the first try once it commits.
      pending_.push_back(
          PendingProduce{verdict.offset, verdict.offset + count - 1, request, produce.acks});
      answer_pending(context);
      return;
    case SequenceCheck::append:
      append_as_leader(context, request, produce);
      return;
  }
}

void PartitionReplica::append_as_leader(NodeContext& context, RequestId request,
                                        const ClientRequest& produce) {
  const Offset first = log_end();
  std::vector<Record> batch(produce.values.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Record& record = batch[i];
    record.kind = produce.transactional ? RecordKind::txn_data : RecordKind::data;
    record.offset = first + static_cast<Offset>(i);
    record.leader_epoch = state_.leader_epoch;
    record.producer_id = produce.producer_id;
    record.producer_epoch = produce.producer_epoch;
    record.sequence = produce.sequence + static_cast<std::int64_t>(i);
    record.value = produce.values[i];
  }
  append(context, batch);
  pending_.push_back(PendingProduce{first, log_end() - 1, request, produce.acks});
  answer_parked(context, false);
  advance_high_watermark(context);
}

void PartitionReplica::answer_pending(NodeContext& context) {
  auto unanswered = std::remove_if(pending_.begin(), pending_.end(), [&](const PendingProduce& p) {
    const bool done = p.acks == Acks::all ? p.last < hw_ : p.last < durable_end_;
    if (!done) return false;
    if (p.acks == Acks::all) acknowledged_end_ = std::max(acknowledged_end_, p.last + 1);
    ClientReply answer = status_reply(ClientStatus::ok, env_.self);
    answer.offset = p.first;
    reply(context, p.request, answer);
    return true;
  });
  pending_.erase(unanswered, pending_.end());
  answer_pending_markers(context);
}

void PartitionReplica::on_fetch(NodeContext& context, RequestId request,
                                const ClientRequest& fetch) {
  if (!loaded_ || role_ != ReplicaRole::leader) {
    reply(context, request, status_reply(ClientStatus::not_leader, state_.leader));
    return;
  }
  if (fetch.offset < 0 || fetch.offset > log_end()) {
    ClientReply refused = status_reply(ClientStatus::offset_out_of_range, env_.self);
    refused.high_watermark = hw_;  // where a consumer may read up to
    reply(context, request, refused);
    return;
  }
  // Markers are not values, and a read_committed consumer reads neither an
  // open transaction's records (it stops at the last stable offset) nor an
  // aborted one's; next_offset moves it past what was left out.
  const Offset end = fetch.read_committed ? last_stable_offset() : hw_;
  ClientReply answer = status_reply(ClientStatus::ok, env_.self);
  answer.high_watermark = end;
  std::uint32_t limit = std::max<std::uint32_t>(1, fetch.records_max);
  // BUGGIFY: a short read (a size limit): the consumer must ask again.
  if (context.buggify("log.fetch-short")) limit = 1;
  Offset offset = fetch.offset;
  for (; offset < end && answer.records.size() < limit; ++offset) {
    const Record& record = log_[static_cast<std::size_t>(offset)];
    if (is_marker(record.kind) || (fetch.read_committed && txns_.aborted(record))) continue;
    answer.records.push_back(FetchedRecord{record.offset, record.value});
  }
  answer.next_offset = std::max(offset, fetch.offset);
  reply(context, request, answer);
}

void PartitionReplica::on_tick(NodeContext& context) {
  if (!loaded_) return;
  checkpoint_high_watermark(context);
  if (damaged_ && have_state_ && state_.in_isr(env_.self)) ask_to_resign(context);
  if (role_ == ReplicaRole::leader) {
    maintain_isr(context);
  } else if (role_ == ReplicaRole::follower) {
    const std::int64_t now = context.monotonic_ns();
    const std::int64_t waited = now - last_request_ns_;
    constexpr std::int64_t kRetryNs = 100 * kNanosecondsPerMillisecond;
    if (request_in_flight_ && waited < kRetryNs) return;
    if (step_ == FollowerStep::truncating) {
      send_epoch_query(context);
    } else if (request_in_flight_ || waited >= env_.options->fetch_interval_ns) {
      send_fetch(context);
    }
  }
}

void PartitionReplica::ask_to_resign(NodeContext& context) {
  constexpr std::int64_t kResendNs = 200 * kNanosecondsPerMillisecond;
  const std::int64_t now = context.monotonic_ns();
  if (resigned_ns_ != 0 && now - resigned_ns_ < kResendNs) return;
  resigned_ns_ = now;
  BrokerMessage resign;
  resign.kind = BrokerKind::resign;
  resign.partition = id_;
  resign.leader_epoch = state_.leader_epoch;
  resign.partition_epoch = state_.partition_epoch;
  env_.to_controller(context, resign);
}

void PartitionReplica::reset(NodeContext& context) {
  step_down(context);
  ++generation_;
  log_.clear();
  rebuild_derived();
  durable_end_ = written_end_ = hw_ = 0;
  fsync_queued_ = checkpoint_in_flight_ = false;
  recover(context);
}

void PartitionReplica::check_invariants() const {
  if (!loaded_) return;
  SIMLAB_ASSERT(durable_end_ <= log_end(), "log.durable-within-log",
                fmt::format("p{}: durable end {} above log end {}", id_, durable_end_, log_end()));
  SIMLAB_ASSERT(hw_ <= log_end(), "log.hw-within-log",
                fmt::format("p{}: high watermark {} above log end {}", id_, hw_, log_end()));
  // Entries are added only at the log's end, in rising epochs, and the
  // cache is rebuilt after a truncation, so the newest epoch's start is the
  // largest: if any start passed the log end, the newest one did at the
  // same step.
  if (!epoch_starts_.empty()) {
    const auto& [epoch, start] = *epoch_starts_.rbegin();
    SIMLAB_ASSERT(start <= log_end(), "log.epoch-cache-within-log",
                  fmt::format("p{}: epoch {} starts at {} past the log end {}", id_, epoch, start,
                              log_end()));
  }
}

}  // namespace simlab::commitlog

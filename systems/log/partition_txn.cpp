// A partition leader's part in transactions: it writes the coordinator's
// markers into the log (as records, replicated like any other) and acks
// each once it is committed, so the coordinator completes a transaction
// only when every partition's marker will survive a leader change.
#include <fmt/format.h>

#include "systems/log/partition_replica.h"

namespace simlab::commitlog {

// A marker ends the producer's open transaction here when that transaction
// is of the marker's epoch. Already ended here (a resent marker): it is
// acked once that marker is committed. Nothing written here in the epoch: a
// marker is still written, which fences the epoch (a late produce of the
// ended transaction cannot open a new one). With KIP-890's epoch bump a
// late marker of an earlier transaction is of an older epoch than the open
// one and ends nothing; without it (the planted log.late-txn-marker) the
// epochs are equal, and it ends the producer's next transaction.
void PartitionReplica::handle_txn_marker(NodeContext& context, NodeId from,
                                         const BrokerMessage& marker) {
  if (role_ != ReplicaRole::leader) return;  // the coordinator finds the leader and resends
  const std::optional<TxnIndex::OpenTxn> open = txns_.open(marker.producer_id);
  if (open && open->epoch == marker.producer_epoch) {
    append_marker(context, marker);
    ack_marker_at(context, log_end() - 1, from, marker);
    return;
  }
  const Offset last = txns_.last_marker(marker.producer_id);
  const bool marked =
      last >= 0 && log_[static_cast<std::size_t>(last)].producer_epoch == marker.producer_epoch;
  if (marked || (open && open->epoch > marker.producer_epoch)) {
    ack_marker_at(context, marked ? last : hw_ - 1, from, marker);
    return;
  }
  append_marker(context, marker);
  ack_marker_at(context, log_end() - 1, from, marker);
}

void PartitionReplica::append_marker(NodeContext& context, const BrokerMessage& marker) {
  Record record;
  record.kind = marker.commit ? RecordKind::commit_marker : RecordKind::abort_marker;
  record.offset = log_end();
  record.leader_epoch = state_.leader_epoch;
  record.producer_id = marker.producer_id;
  record.producer_epoch = marker.producer_epoch;
  record.sequence = -1;
  record.value = marker.next_epoch;
  append(context, std::span<const Record>(&record, 1));
  if (context.log_enabled()) {
    context.log(fmt::format("p{}: {} marker for pid {} epoch {} at {}", id_,
                            marker.commit ? "commit" : "abort", marker.producer_id,
                            marker.producer_epoch, record.offset));
  }
  answer_parked(context, false);
  advance_high_watermark(context);
}

void PartitionReplica::ack_marker_at(NodeContext& context, Offset offset, NodeId coordinator,
                                     const BrokerMessage& marker) {
  BrokerMessage ack = marker;
  ack.kind = BrokerKind::txn_marker_ack;
  ack.leader_epoch = state_.leader_epoch;
  pending_markers_.push_back(PendingMarker{offset, coordinator, std::move(ack)});
  answer_pending_markers(context);
}

void PartitionReplica::answer_pending_markers(NodeContext& context) {
  auto waiting = std::remove_if(pending_markers_.begin(), pending_markers_.end(),
                                [&](const PendingMarker& pending) {
                                  if (pending.offset >= hw_) return false;
                                  env_.to_broker(context, pending.coordinator, pending.ack);
                                  return true;
                                });
  pending_markers_.erase(waiting, pending_markers_.end());
}

}  // namespace simlab::commitlog

#include "systems/log/txn_coordinator.h"

#include <algorithm>

namespace simlab::commitlog {
namespace {

constexpr std::int64_t kReproposeNs = 300 * kNanosecondsPerMillisecond;

void answer(NodeContext& context, RequestId request, const ClientReply& reply) {
  context.reply(request, encode_client_reply(reply));
}

ClientReply ended_reply(const TxnState& state) {
  ClientReply reply;
  reply.committed = state.ended_committed;
  reply.producer_epoch = state.epoch;
  return reply;
}

ClientReply state_reply(ClientStatus status, const TxnState& state) {
  ClientReply reply = status_reply(status, kNoNode);
  reply.producer_epoch = state.epoch;
  return reply;
}

}  // namespace

void TxnCoordinator::start_term(NodeContext& context, const raft::Raft& raft, const Txns& txns) {
  answer_all(context, ClientStatus::unknown);
  progress_.clear();
  // Every open transaction gets one timeout from now: its producer may
  // have been talking to the previous coordinator.
  for (const auto& [producer, state] : txns.all()) {
    if (state.phase != TxnPhase::empty)
      progress_[{producer, state.epoch}].heard_ns = context.monotonic_ns();
  }
  term_ = raft.term();
  active_ = true;
}

bool TxnCoordinator::serving(NodeContext& context, const raft::Raft& raft, const Txns& txns) {
  if (!raft.leader_knows_commit()) return false;
  if (!active_ || term_ != raft.term()) start_term(context, raft, txns);
  return true;
}

void TxnCoordinator::on_request(NodeContext& context, raft::Raft& raft, const Txns& txns,
                                const Groups& groups, RequestId request,
                                const ClientRequest& message) {
  if (message.producer_id == 0) {
    answer(context, request, status_reply(ClientStatus::invalid_txn_state, kNoNode));
    return;
  }
  if (!serving(context, raft, txns)) {
    const NodeId leader = raft.leader();
    const NodeId hint = leader == raft::kNoNode || leader == raft.self() ? kNoNode : leader;
    answer(context, request, status_reply(ClientStatus::not_leader, hint));
    return;
  }
  const TxnState& state = txns.producer(message.producer_id);
  if (message.kind == ClientKind::txn_end) {
    end(context, raft, state, request, message);
    return;
  }
  TxnCommand command;
  command.producer_id = message.producer_id;
  command.epoch = message.producer_epoch;
  command.partition = message.partition;
  if (message.kind == ClientKind::txn_add_partition) {
    command.kind = TxnCommandKind::add_partition;
  } else {
    if (message.partition >= options_.partitions ||
        !groups.group(message.group)
             .accepts_commit(message.member, message.generation, message.partition)) {
      answer(context, request, state_reply(ClientStatus::illegal_generation, state));
      return;
    }
    command.kind = TxnCommandKind::add_offset;
    command.group = message.group;
    command.member = message.member;
    command.generation = message.generation;
    command.offset = message.offset;
  }
  add(context, raft, state, request, command);
}

void TxnCoordinator::add(NodeContext& context, raft::Raft& raft, const TxnState& state,
                         RequestId request, const TxnCommand& command) {
  if (command.epoch != state.epoch) {
    answer(context, request, state_reply(ClientStatus::invalid_txn_state, state));
    return;
  }
  if (state.deciding()) {  // its previous transaction is still being completed
    answer(context, request, state_reply(ClientStatus::concurrent_transactions, state));
    return;
  }
  Progress& progress = progress_[{command.producer_id, state.epoch}];
  progress.heard_ns = context.monotonic_ns();
  const bool known =
      command.kind == TxnCommandKind::add_partition &&
      std::binary_search(state.partitions.begin(), state.partitions.end(), command.partition);
  if (state.phase == TxnPhase::ongoing && known) {
    answer(context, request, state_reply(ClientStatus::ok, state));
    return;
  }
  const std::optional<raft::Index> index = raft.propose(context, encode_txn_command(command));
  if (!index) {
    answer(context, request, status_reply(ClientStatus::not_leader, kNoNode));
    return;
  }
  pending_adds_[*index] = PendingAdd{raft.term(), request};
}

// An end of the transaction that already ended (a retry whose first try's
// answer was lost) is told how it ended. Without the epoch bump the ended
// transaction's epoch is also the next one's, so a late retry ends that one.
void TxnCoordinator::end(NodeContext& context, raft::Raft& raft, const TxnState& state,
                         RequestId request, const ClientRequest& message) {
  const TxnKey key{message.producer_id, message.producer_epoch};
  if (message.producer_epoch == state.epoch && state.phase == TxnPhase::ongoing) {
    Progress& progress = progress_[key];
    progress.heard_ns = context.monotonic_ns();
    pending_ends_[key].push_back(request);
    TxnCommand command;
    command.kind = TxnCommandKind::end;
    command.producer_id = message.producer_id;
    command.epoch = state.epoch;
    command.commit = message.commit;
    propose(context, raft, command, progress);
    return;
  }
  if (message.producer_epoch == state.epoch && state.deciding()) {
    pending_ends_[key].push_back(request);
    return;
  }
  if (message.producer_epoch == state.ended_epoch) {
    answer(context, request, ended_reply(state));
    return;
  }
  answer(context, request, state_reply(ClientStatus::invalid_txn_state, state));
}

void TxnCoordinator::propose(NodeContext& context, raft::Raft& raft, const TxnCommand& command,
                             Progress& progress) {
  const std::int64_t now = context.monotonic_ns();
  if (progress.proposed_ns >= 0 && now - progress.proposed_ns < kReproposeNs) return;
  if (!raft.propose(context, encode_txn_command(command))) return;
  progress.proposed_ns = now;
  if (context.log_enabled()) context.log("txn coordinator proposes " + txn_command_text(command));
}

void TxnCoordinator::on_tick(NodeContext& context, raft::Raft& raft, const Txns& txns,
                             const Metadata& metadata) {
  if (raft.role() != raft::Role::leader || (active_ && term_ != raft.term())) {
    answer_all(context, ClientStatus::unknown);
    active_ = false;
    progress_.clear();
    return;
  }
  if (!serving(context, raft, txns)) return;
  for (const auto& [producer, state] : txns.all()) {
    if (state.phase != TxnPhase::empty) drive(context, raft, producer, state, metadata);
  }
}

// An open transaction past its timeout is aborted; a decided one has its
// markers sent to every partition that has not acked, and once all have,
// is completed.
void TxnCoordinator::drive(NodeContext& context, raft::Raft& raft, std::uint64_t producer,
                           const TxnState& state, const Metadata& metadata) {
  Progress& progress = progress_[{producer, state.epoch}];
  const std::int64_t now = context.monotonic_ns();
  TxnCommand command;
  command.producer_id = producer;
  command.epoch = state.epoch;
  if (state.phase == TxnPhase::ongoing) {
    if (now - progress.heard_ns < options_.txn_timeout_ns) return;
    command.kind = TxnCommandKind::end;
    command.commit = false;
    propose(context, raft, command, progress);
    return;
  }
  bool all_acked = true;
  const bool resend = progress.markers_sent_ns < 0 ||
                      now - progress.markers_sent_ns >= options_.txn_marker_retry_ns;
  for (PartitionId partition : state.partitions) {
    if (progress.acked.contains(partition)) continue;
    all_acked = false;
    if (!resend || partition >= metadata.partitions().size()) continue;
    const NodeId leader = metadata.partition(partition).leader;
    if (leader == kNoNode) continue;
    BrokerMessage marker;
    marker.kind = BrokerKind::txn_marker;
    marker.partition = partition;
    marker.producer_id = producer;
    marker.producer_epoch = state.epoch;
    marker.commit = state.phase == TxnPhase::prepare_commit;
    marker.next_epoch = state.epoch + (bump_epoch_per_txn_ ? 1 : 0);
    outbox_.emplace_back(leader, marker);
  }
  if (resend && !all_acked) progress.markers_sent_ns = now;
  if (!all_acked) return;
  command.kind = TxnCommandKind::complete;
  propose(context, raft, command, progress);
}

void TxnCoordinator::on_marker_ack(const BrokerMessage& ack) {
  if (!active_) return;
  const auto it = progress_.find({ack.producer_id, ack.producer_epoch});
  if (it != progress_.end()) it->second.acked.insert(ack.partition);
}

void TxnCoordinator::on_applied(NodeContext& context, raft::Index index, raft::Term term,
                                const TxnCommand& command, bool changed, bool fenced,
                                const Txns& txns) {
  const TxnState& state = txns.producer(command.producer_id);
  const TxnKey key{command.producer_id, command.epoch};
  if (const auto it = pending_adds_.find(index); it != pending_adds_.end()) {
    // Another term's entry at the index: the add was never applied. An
    // offset the group's generation fenced leaves the transaction open,
    // for its producer to abort: it is not told the transaction ended.
    const ClientStatus status = it->second.term != term ? ClientStatus::unknown
                                : changed               ? ClientStatus::ok
                                : fenced                ? ClientStatus::illegal_generation
                                                        : ClientStatus::invalid_txn_state;
    answer(context, it->second.request, state_reply(status, state));
    pending_adds_.erase(it);
  }
  if (!changed) return;
  if (const auto it = progress_.find(key); it != progress_.end()) it->second.proposed_ns = -1;
  if (command.kind == TxnCommandKind::complete) {
    answer_ended(context, key, state);
    progress_.erase(key);
  }
}

void TxnCoordinator::answer_ended(NodeContext& context, const TxnKey& key, const TxnState& state) {
  const auto it = pending_ends_.find(key);
  if (it == pending_ends_.end()) return;
  for (RequestId request : it->second) answer(context, request, ended_reply(state));
  pending_ends_.erase(it);
}

void TxnCoordinator::answer_all(NodeContext& context, ClientStatus status) {
  for (const auto& [index, pending] : pending_adds_)
    answer(context, pending.request, status_reply(status, kNoNode));
  pending_adds_.clear();
  for (const auto& [key, requests] : pending_ends_) {
    for (RequestId request : requests) answer(context, request, status_reply(status, kNoNode));
  }
  pending_ends_.clear();
}

}  // namespace simlab::commitlog

// The transaction coordinator, run by the broker that leads the
// controller's Raft (beside the group coordinator; Kafka runs it on the
// leader of a __transaction_state partition). A producer adds each
// partition to its transaction before writing there and then ends it; the
// coordinator decides the outcome in Raft (prepare), writes a marker to
// every partition the transaction touched, retrying until each is acked,
// and then completes it in Raft, which (KIP-890) bumps the producer's
// epoch. A transaction silent for the transaction timeout is aborted (its
// client may have crashed). The end request is answered once the
// transaction completes. Its volatile state (who was heard from when, which
// markers were acked) starts afresh in every term.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "systems/common/node_context.h"
#include "systems/log/group_state.h"
#include "systems/log/log_messages.h"
#include "systems/log/log_options.h"
#include "systems/log/metadata.h"
#include "systems/log/txn_state.h"
#include "systems/raft/raft.h"

namespace simlab::commitlog {

class TxnCoordinator {
 public:
  // `bump_epoch_per_txn`: KIP-890's bump (off: the planted log.late-txn-marker).
  TxnCoordinator(const LogOptions& options, bool bump_epoch_per_txn)
      : options_(options), bump_epoch_per_txn_(bump_epoch_per_txn) {}

  // A txn_add_partition, txn_offset_commit (fenced by `groups`) or txn_end.
  void on_request(NodeContext& context, raft::Raft& raft, const Txns& txns, const Groups& groups,
                  RequestId request, const ClientRequest& message);
  // Every broker tick: times out silent transactions, (re)sends markers
  // (into the outbox), completes transactions whose markers are all acked.
  void on_tick(NodeContext& context, raft::Raft& raft, const Txns& txns, const Metadata& metadata);
  // The markers on_tick decided to send, each to a partition's leader; the
  // broker sends them (on its own channel, not the Raft one).
  std::vector<std::pair<NodeId, BrokerMessage>> take_outbox() { return std::move(outbox_); }
  void on_marker_ack(const BrokerMessage& ack);
  // Raft applied a transaction command at `index` in `term`; `changed`: it
  // held; `fenced`: an add_offset the group refused while its transaction
  // was open (its producer must abort it, not take it for ended).
  void on_applied(NodeContext& context, raft::Index index, raft::Term term,
                  const TxnCommand& command, bool changed, bool fenced, const Txns& txns);

 private:
  using TxnKey = std::pair<std::uint64_t, Epoch>;  // producer, epoch
  struct Progress {
    std::int64_t heard_ns = 0;      // the producer's last request in this transaction
    std::int64_t proposed_ns = -1;  // an end or complete in flight since
    std::set<PartitionId> acked;
    std::int64_t markers_sent_ns = -1;
  };
  struct PendingAdd {
    raft::Term term = 0;
    RequestId request = 0;
  };

  bool serving(NodeContext& context, const raft::Raft& raft, const Txns& txns);
  void start_term(NodeContext& context, const raft::Raft& raft, const Txns& txns);
  // add_partition or add_offset: both open the transaction if need be.
  void add(NodeContext& context, raft::Raft& raft, const TxnState& state, RequestId request,
           const TxnCommand& command);
  void end(NodeContext& context, raft::Raft& raft, const TxnState& state, RequestId request,
           const ClientRequest& message);
  void propose(NodeContext& context, raft::Raft& raft, const TxnCommand& command,
               Progress& progress);
  void drive(NodeContext& context, raft::Raft& raft, std::uint64_t producer, const TxnState& state,
             const Metadata& metadata);
  void answer_ended(NodeContext& context, const TxnKey& key, const TxnState& state);
  void answer_all(NodeContext& context, ClientStatus status);

  const LogOptions& options_;
  bool bump_epoch_per_txn_;
  std::vector<std::pair<NodeId, BrokerMessage>> outbox_;
  bool active_ = false;
  raft::Term term_ = 0;
  std::map<TxnKey, Progress> progress_;
  std::map<raft::Index, PendingAdd> pending_adds_;
  std::map<TxnKey, std::vector<RequestId>> pending_ends_;  // answered at completion
};

}  // namespace simlab::commitlog

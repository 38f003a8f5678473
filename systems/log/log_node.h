// A broker of the commit log: the partition replicas it hosts, and a member
// of the controller's Raft group (every broker is a controller voter, as in
// a combined-mode KRaft cluster). The controller's committed commands are
// applied here as the metadata every replica acts on.
#pragma once

#include <memory>
#include <vector>

#include "systems/common/node.h"
#include "systems/log/controller.h"
#include "systems/log/group_coordinator.h"
#include "systems/log/group_state.h"
#include "systems/log/log_bugs.h"
#include "systems/log/log_options.h"
#include "systems/log/metadata.h"
#include "systems/log/partition_replica.h"
#include "systems/log/txn_coordinator.h"
#include "systems/log/txn_state.h"
#include "systems/raft/disk_queue.h"
#include "systems/raft/raft.h"
#include "systems/raft/raft_host.h"

namespace simlab::commitlog {

class LogNode final : public Node, public raft::Application, public raft::RaftHost {
 public:
  // Throws std::invalid_argument if config.options_json is not valid.
  explicit LogNode(const NodeConfig& config);

  void on_start(NodeContext& context) override;
  void on_message(NodeContext& context, NodeId from, ByteView payload) override;
  void on_timer(NodeContext& context, TimerId timer) override;
  void on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes) override;
  void on_client(NodeContext& context, RequestId request, ByteView payload) override;
  std::optional<Violation> check_invariants() const override;

  // raft::Application: the controller's metadata.
  void apply(NodeContext& context, const raft::Entry& entry) override;
  // The partitions' metadata, the consumer groups and the transactions,
  // each a blob.
  Bytes snapshot() const override;
  bool restore(ByteView bytes) override;
  void read_done(NodeContext&, std::uint64_t, bool) override {}

  // raft::RaftHost
  const raft::Raft& raft() const override { return *raft_; }

  // --- observation (the observer) ---
  NodeId self() const { return self_; }
  const Metadata& metadata() const { return metadata_; }
  const Groups& groups() const { return groups_; }
  const Txns& txns() const { return txns_; }
  // The replica of `partition` here, or nullptr if this broker holds none.
  const PartitionReplica* replica(PartitionId partition) const;
  const LogOptions& options() const { return options_; }
  // How many steps (handler calls) this object has taken, and its process
  // incarnation: a node whose pair is unchanged has changed nothing (its
  // state changes only inside its steps), which lets the observer skip it.
  std::uint64_t steps() const { return steps_; }
  std::uint64_t incarnation() const { return incarnation_; }

 private:
  void after_step(NodeContext& context);
  void tick(NodeContext& context);
  void send_heartbeats(NodeContext& context);
  void to_controller(NodeContext& context, const BrokerMessage& message);
  void controller_request(NodeContext& context, NodeId from, const BrokerMessage& message);
  void on_broker_message(NodeContext& context, NodeId from, const BrokerMessage& message);
  // To another broker over the network, to this one directly.
  void to_broker(NodeContext& context, NodeId to, const BrokerMessage& message);
  void send_markers(NodeContext& context);
  void on_disk_error(NodeContext& context, DiskStatus status);
  PartitionReplica* hosted(PartitionId partition);
  ClientReply metadata_reply() const;

  NodeId self_;
  std::vector<NodeId> members_;
  LogOptions options_;
  LogBugs bugs_;
  Metadata metadata_;
  Groups groups_;
  Txns txns_;
  bool metadata_changed_ = true;
  raft::DiskQueue disk_;
  BrokerEnv env_;
  std::vector<std::unique_ptr<PartitionReplica>> replicas_;  // by partition; null: not hosted
  ActiveController controller_;
  GroupCoordinator coordinator_;
  TxnCoordinator txn_coordinator_;
  std::unique_ptr<raft::Raft> raft_;
  std::int64_t last_heartbeat_ns_ = 0;
  std::uint64_t incarnation_ = 0;  // drawn at every start
  std::uint64_t steps_ = 0;
};

}  // namespace simlab::commitlog

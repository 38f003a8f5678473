// The controller's replicated state: for every partition, its replicas,
// leader, leader epoch and in-sync replica set (KRaft's PartitionRecord and
// PartitionChangeRecord). Every broker applies the same committed commands
// from the controller's Raft log, so every broker's copy is a prefix of the
// same history. Changes are compare-and-set on the partition epoch, so a
// command decided on an old state does nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/types.h"
#include "systems/log/log_protocol.h"

namespace simlab::commitlog {

struct PartitionState {
  std::vector<NodeId> replicas;  // the assignment, in preference order; fixed
  NodeId leader = kNoNode;       // kNoNode: offline
  // The leader's process incarnation the election named: a broker leads
  // only in the incarnation it was elected in, so one that restarted (and
  // may have lost an unsynced tail its followers hold) never goes on
  // writing in an epoch it began before (KRaft's broker epoch).
  std::uint64_t leader_incarnation = 0;
  Epoch leader_epoch = 0;
  std::int64_t partition_epoch = 0;  // bumped by every change
  std::vector<NodeId> isr;           // sorted
  bool in_isr(NodeId node) const;
  bool is_replica(NodeId node) const;
  friend bool operator==(const PartitionState&, const PartitionState&) = default;
};

enum class CommandKind : std::uint8_t {
  elect = 1,  // a new leader (or none) and ISR; bumps the leader epoch
  alter_isr,  // the partition's leader changes its ISR; the leader epoch stays
};

struct ControllerCommand {
  CommandKind kind = CommandKind::elect;
  PartitionId partition = 0;
  std::int64_t expected_partition_epoch = 0;
  NodeId leader = kNoNode;
  std::uint64_t leader_incarnation = 0;  // elect
  Epoch leader_epoch = 0;  // alter_isr: the epoch the leader asks in
  std::vector<NodeId> isr;
};

Bytes encode_command(const ControllerCommand& command);
std::optional<ControllerCommand> decode_command(ByteView bytes);
std::string command_text(const ControllerCommand& command);

class Metadata {
 public:
  // Partition p's replicas are replication_factor consecutive members from
  // member p (mod the cluster size); the first leads epoch 0 with all of
  // them in sync.
  static Metadata initial(const std::vector<NodeId>& members, std::uint32_t partitions,
                          std::uint32_t replication_factor);

  // True if the command changed something (its compare-and-set held).
  bool apply(const ControllerCommand& command);
  const std::vector<PartitionState>& partitions() const { return partitions_; }
  const PartitionState& partition(PartitionId id) const { return partitions_[id]; }

  Bytes encode() const;
  bool decode(ByteView bytes);

 private:
  std::vector<PartitionState> partitions_;
};

}  // namespace simlab::commitlog

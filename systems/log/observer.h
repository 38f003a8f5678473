// The commit log's cluster observer, after every step: the controller's
// Raft properties (raft::RaftObserver), and the log's own, re-derived from
// what every broker holds rather than from the brokers' own helpers:
//   log.one-leader-per-epoch       no two brokers lead one partition epoch
//   log.committed-record-changed   a record below some leader's high
//                                  watermark is never replaced, on any broker
//                                  that holds or believes it committed
//   log.leader-lacks-committed     the leader of a partition's newest epoch
//                                  holds every committed record
//   log.hw-moved-back              a leader's high watermark never falls
//                                  while it leads in one epoch (a restarted
//                                  broker leads only in a new one)
//   log.acknowledged-beyond-isr    no acknowledged offset lies above the log
//                                  end of a live member of the ISR (one whose
//                                  recovery found synced records damaged on
//                                  disk is leaving it and is not counted)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "systems/common/node.h"
#include "systems/log/log_node.h"
#include "systems/raft/observer.h"

namespace simlab::commitlog {

class LogObserver final : public ClusterObserver {
 public:
  std::optional<Violation> check(std::span<const Node* const> nodes) override;

 private:
  struct Committed {
    std::vector<std::uint64_t> chains;  // chains[o]: the chain over [0, o]
    Offset acknowledged_end = 0;
    Epoch newest_epoch = -1;
    std::optional<PartitionState> decided;  // the newest controller decision seen
    Offset end() const { return static_cast<Offset>(chains.size()); }
    std::uint64_t chain(Offset end) const { return end == 0 ? 0 : chains[end - 1]; }
  };
  std::optional<Violation> check_partition(PartitionId partition,
                                           const std::vector<const LogNode*>& brokers);
  std::optional<Violation> check_leader(PartitionId partition, const LogNode& broker,
                                        const PartitionReplica& replica, Committed& committed);

  // What check_partition reads of one broker for a partition: its copy, if
  // it hosts one, and its metadata's partition epoch either way. A
  // partition whose views are all as at its last check is not checked
  // again: the checks read nothing else but the observer's own state, which
  // only they change, so they would find what they found then (issue 14:
  // incremental, not weaker).
  struct CopyView {
    bool present = false;
    bool loaded = false;
    bool damaged = false;
    ReplicaRole role = ReplicaRole::none;
    Epoch leader_epoch = -1;
    Offset high_watermark = 0;
    Offset log_end = 0;
    Offset acknowledged_end = 0;
    std::uint64_t chain = 0;  // over the whole log: any change to its records
    std::int64_t partition_epoch = -1;
    friend bool operator==(const CopyView&, const CopyView&) = default;
  };
  static CopyView view_of(const LogNode* broker, PartitionId partition);

  // A broker's views of every partition, as of its `steps` in this
  // incarnation: rebuilt only when it has stepped since.
  struct BrokerViews {
    const LogNode* broker = nullptr;
    std::uint64_t incarnation = 0;
    std::uint64_t steps = 0;
    std::vector<CopyView> views;  // by partition
  };
  void refresh_views(BrokerViews& cached, const LogNode* broker, std::size_t partitions);

  raft::RaftObserver raft_;
  std::vector<BrokerViews> views_;              // by broker
  std::vector<std::vector<CopyView>> checked_;  // by partition, by broker: as last checked
  std::vector<CopyView> now_;                   // this step's, reused
  struct EpochLeader {
    NodeId node = kNoNode;
    Offset high_watermark = 0;  // the highest it reached in the epoch
  };
  std::map<std::pair<PartitionId, Epoch>, EpochLeader> leaders_;
  std::vector<const LogNode*> brokers_;  // this step's, by node
  std::vector<Committed> committed_;  // by partition
};

}  // namespace simlab::commitlog

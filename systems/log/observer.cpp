#include "systems/log/observer.h"

#include <fmt/format.h>

namespace simlab::commitlog {

std::optional<Violation> LogObserver::check(std::span<const Node* const> nodes) {
  if (auto violation = raft_.check(nodes)) return violation;
  std::vector<const LogNode*>& brokers = brokers_;  // reused: no allocation per step
  brokers.clear();
  std::size_t partitions = 0;
  for (const Node* node : nodes) {
    const auto* broker = dynamic_cast<const LogNode*>(node);
    brokers.push_back(broker);
    if (broker != nullptr) partitions = broker->metadata().partitions().size();
  }
  if (committed_.size() < partitions) committed_.resize(partitions);
  if (checked_.size() < partitions) checked_.resize(partitions);
  if (views_.size() < brokers.size()) views_.resize(brokers.size());
  for (std::size_t b = 0; b < brokers.size(); ++b) refresh_views(views_[b], brokers[b], partitions);
  for (PartitionId p = 0; p < partitions; ++p) {
    now_.clear();
    for (std::size_t b = 0; b < brokers.size(); ++b) now_.push_back(views_[b].views[p]);
    if (now_ == checked_[p]) continue;
    if (auto violation = check_partition(p, brokers)) return violation;
    checked_[p] = now_;
  }
  return std::nullopt;
}

void LogObserver::refresh_views(BrokerViews& cached, const LogNode* broker,
                                std::size_t partitions) {
  const bool same = broker != nullptr && cached.broker == broker &&
                    cached.incarnation == broker->incarnation() &&
                    cached.steps == broker->steps() && cached.views.size() == partitions;
  if (same) return;
  cached.broker = broker;
  cached.incarnation = broker ? broker->incarnation() : 0;
  cached.steps = broker ? broker->steps() : 0;
  cached.views.clear();
  for (PartitionId p = 0; p < partitions; ++p) cached.views.push_back(view_of(broker, p));
}

LogObserver::CopyView LogObserver::view_of(const LogNode* broker, PartitionId partition) {
  CopyView view;
  if (broker == nullptr) return view;
  // Every broker's metadata counts, hosting the partition or not: the ISR
  // in force is the newest any of them applied.
  view.partition_epoch = broker->metadata().partition(partition).partition_epoch;
  const PartitionReplica* replica = broker->replica(partition);
  if (replica == nullptr) return view;
  view.present = true;
  view.loaded = replica->loaded();
  view.damaged = replica->damaged();
  view.role = replica->role();
  view.leader_epoch = replica->leader_epoch();
  view.high_watermark = replica->high_watermark();
  view.log_end = replica->log_end();
  view.acknowledged_end = replica->acknowledged_end();
  view.chain = replica->chain(replica->log_end());
  return view;
}

std::optional<Violation> LogObserver::check_leader(PartitionId partition, const LogNode& broker,
                                                   const PartitionReplica& replica,
                                                   Committed& committed) {
  const auto key = std::make_pair(partition, replica.leader_epoch());
  // try_emplace: no map node is made when the epoch's leader is known.
  const Offset hw = replica.high_watermark();
  const auto [seen, fresh] = leaders_.try_emplace(key, EpochLeader{broker.self(), hw});
  EpochLeader& leader = seen->second;
  if (!fresh && leader.node != broker.self()) {
    return Violation{"log.one-leader-per-epoch",
                     fmt::format("p{} epoch {}: n{} and n{} both lead it", partition,
                                 replica.leader_epoch(), leader.node, broker.self()),
                     broker.self()};
  }
  if (hw < leader.high_watermark) {
    return Violation{
        "log.hw-moved-back",
        fmt::format("p{} epoch {}: leader n{}'s high watermark fell from {} to {}", partition,
                    replica.leader_epoch(), broker.self(), leader.high_watermark, hw),
        broker.self()};
  }
  leader.high_watermark = hw;
  if (hw > committed.end()) {
    if (replica.chain(committed.end()) != committed.chain(committed.end())) {
      return Violation{
          "log.committed-record-changed",
          fmt::format("p{}: leader n{} (epoch {}) commits to {} on a log that "
                      "differs from the committed records below {}",
                      partition, broker.self(), replica.leader_epoch(), hw, committed.end()),
          broker.self()};
    }
    for (Offset o = committed.end(); o < hw; ++o) committed.chains.push_back(replica.chain(o + 1));
  }
  committed.acknowledged_end = std::max(committed.acknowledged_end, replica.acknowledged_end());
  return std::nullopt;
}

std::optional<Violation> LogObserver::check_partition(PartitionId partition,
                                                      const std::vector<const LogNode*>& brokers) {
  Committed& committed = committed_[partition];
  const PartitionReplica* newest = nullptr;  // the leader of the newest epoch now led
  for (const LogNode* broker : brokers) {
    const PartitionReplica* replica = broker ? broker->replica(partition) : nullptr;
    if (replica == nullptr || !replica->loaded() || replica->role() != ReplicaRole::leader)
      continue;
    if (auto violation = check_leader(partition, *broker, *replica, committed)) return violation;
    if (newest == nullptr || replica->leader_epoch() > newest->leader_epoch()) newest = replica;
  }
  if (newest != nullptr && newest->leader_epoch() > committed.newest_epoch) {
    committed.newest_epoch = newest->leader_epoch();
    if (newest->log_end() < committed.end() ||
        newest->chain(committed.end()) != committed.chain(committed.end())) {
      return Violation{"log.leader-lacks-committed",
                       fmt::format("p{}: n{} leads epoch {} with a log of {} records that lacks "
                                   "or differs from the {} committed",
                                   partition, newest->leader(), newest->leader_epoch(),
                                   newest->log_end(), committed.end()),
                       newest->leader()};
    }
  }
  // The ISR in force is the controller's newest decision any broker has
  // ever applied (it was committed); a restarted broker's own copy may be
  // far behind it, and after every broker restarted all of them are.
  for (const LogNode* broker : brokers) {
    if (broker == nullptr) continue;
    const PartitionState& state = broker->metadata().partition(partition);
    if (!committed.decided || state.partition_epoch > committed.decided->partition_epoch) {
      committed.decided = state;
    }
  }
  const PartitionState* latest = committed.decided ? &*committed.decided : nullptr;
  for (const LogNode* broker : brokers) {
    const PartitionReplica* replica = broker ? broker->replica(partition) : nullptr;
    if (replica == nullptr || !replica->loaded()) continue;
    const Offset known = std::min(replica->high_watermark(), committed.end());
    if (replica->chain(known) != committed.chain(known)) {
      return Violation{"log.committed-record-changed",
                       fmt::format("p{}: n{} holds records below its high watermark {} that "
                                   "differ from the committed ones",
                                   partition, broker->self(), replica->high_watermark()),
                       broker->self()};
    }
    // A copy a disk fault damaged knows it (its recovery cut synced records)
    // and has asked to leave the ISR; it must never lead (checked above by
    // leader completeness), but its shortness is the disk's doing.
    if (latest == nullptr || !latest->in_isr(broker->self()) || replica->damaged()) continue;
    if (replica->log_end() < committed.acknowledged_end) {
      return Violation{
          "log.acknowledged-beyond-isr",
          fmt::format("p{}: records up to {} were acknowledged, but n{}, in the ISR "
                      "of epoch {} (partition epoch {}), holds only {}",
                      partition, committed.acknowledged_end, broker->self(), latest->leader_epoch,
                      latest->partition_epoch, replica->log_end()),
          broker->self()};
    }
  }
  return std::nullopt;
}

}  // namespace simlab::commitlog

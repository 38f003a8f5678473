// The commit log's planted bugs (`--bug NAME`), each a copy of a failure
// found in a real log.
#pragma once

#include <set>
#include <span>
#include <string>
#include <string_view>

#include "systems/common/node.h"

namespace simlab::commitlog {

inline constexpr std::string_view kUncleanLeaderElectionBug = "log.unclean-leader-election";
inline constexpr std::string_view kHwTruncationBug = "log.hw-truncation";
inline constexpr std::string_view kAckBeforeFsyncLastReplicaBug =
    "log.ack-before-fsync-last-replica";
// In the clients (workloads/log_workload.h, log_client.h): the brokers never see them.
inline constexpr std::string_view kCommitBeforeProcessBug = "log.commit-before-process";
inline constexpr std::string_view kRetriableOutOfOrderBug = "log.retriable-out-of-order";
inline constexpr std::string_view kLateTxnMarkerBug = "log.late-txn-marker";

std::span<const PlantedBug> log_bugs();

struct LogBugs {
  bool unclean_leader_election = false;
  bool hw_truncation = false;
  bool ack_before_fsync_last_replica = false;
  bool late_txn_marker = false;
  static LogBugs from(const std::set<std::string>& names);
};

}  // namespace simlab::commitlog

// Planted bugs: each a faithful copy of a failure documented in a real
// system, off unless NodeConfig.bugs names it (`--bug NAME`).
#pragma once

#include <set>
#include <span>
#include <string>

#include "systems/common/node.h"

namespace simlab::raft {

// Raft's own planted bugs (a system on Raft adds its own to these).
std::span<const PlantedBug> raft_bugs();

// The switches, read once when a node is built.
struct Bugs {
  bool read_without_quorum = false;
  bool vote_ignores_log = false;
  bool commit_old_term = false;
  bool ack_before_fsync = false;
  bool no_truncate_on_conflict = false;
  bool lease_ignores_drift = false;
  bool unsafe_membership = false;
  static Bugs from(const std::set<std::string>& names);
};

}  // namespace simlab::raft

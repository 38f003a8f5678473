// Planted bugs: each a faithful copy of a failure documented in a real
// system, off unless NodeConfig.bugs names it (`--bug NAME`).
#pragma once

#include <set>
#include <span>
#include <string>
#include <string_view>

namespace simlab::raft {

struct BugInfo {
  std::string_view name;
  std::string_view description;
};

// Every bug of the "raft" system (Raft and the KV store on it).
std::span<const BugInfo> raft_bugs();
// The names in `requested` that are not bugs of this system (for a usage error).
std::set<std::string> unknown_bugs(const std::set<std::string>& requested);

// The switches, read once when a node is built.
struct Bugs {
  bool read_without_quorum = false;
  bool vote_ignores_log = false;
  bool commit_old_term = false;
  bool ack_before_fsync = false;
  bool no_truncate_on_conflict = false;
  bool lease_ignores_drift = false;
  bool unsafe_membership = false;
  bool kv_no_dedupe = false;
  static Bugs from(const std::set<std::string>& names);
};

}  // namespace simlab::raft

#include "systems/raft/bugs.h"

#include <array>

namespace simlab::raft {
namespace {

constexpr std::array<PlantedBug, 7> kBugs = {{
    {"raft.read-without-quorum",
     "the leader serves reads from local state with no ReadIndex round (etcd 0.4.1's stale "
     "reads under partition)"},
    {"raft.vote-ignores-log",
     "votes are granted without the up-to-date log check (acknowledged writes lost after an "
     "election)"},
    {"raft.commit-old-term",
     "entries from older terms are committed by counting replicas (the Raft paper's Figure 8)"},
    {"raft.ack-before-fsync",
     "append acknowledgements and votes are sent before the WAL fsync completes (writes lost "
     "when a crash drops unsynced data)"},
    {"raft.no-truncate-on-conflict",
     "a follower overwrites a conflicting entry but keeps the suffix after it, and commits up to "
     "the "
     "leader's commit over its own log (divergent logs reach the state machine)"},
    {"raft.lease-ignores-drift",
     "lease reads on, timed by the leader's wall clock with no drift margin (stale reads under "
     "clock skew)"},
    {"raft.unsafe-membership",
     "a membership change starts while another is uncommitted, and adds skip the learner "
     "catch-up (two disjoint majorities)"},
}};

}  // namespace

std::span<const PlantedBug> raft_bugs() { return kBugs; }

Bugs Bugs::from(const std::set<std::string>& names) {
  Bugs bugs;
  bugs.read_without_quorum = names.contains("raft.read-without-quorum");
  bugs.vote_ignores_log = names.contains("raft.vote-ignores-log");
  bugs.commit_old_term = names.contains("raft.commit-old-term");
  bugs.ack_before_fsync = names.contains("raft.ack-before-fsync");
  bugs.no_truncate_on_conflict = names.contains("raft.no-truncate-on-conflict");
  bugs.lease_ignores_drift = names.contains("raft.lease-ignores-drift");
  bugs.unsafe_membership = names.contains("raft.unsafe-membership");
  return bugs;
}

}  // namespace simlab::raft

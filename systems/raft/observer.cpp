#include "systems/raft/observer.h"

#include <algorithm>
#include <iterator>

#include "systems/raft/raft_host.h"

namespace simlab::raft {
namespace {

std::string at(Index index) { return " at index " + std::to_string(index); }

// The end of the log a node would come back with after a crash now: its
// in-memory log cut at what is synced (its disk may hold a longer stale
// suffix; ignoring that can only miss a finding, never invent one).
struct DurableEnd {
  Index index = 0;
  Term term = 0;
};

DurableEnd durable_end(const Raft& raft) {
  const RaftLog& log = raft.log();
  const Index index = std::max(std::min(raft.durable_index(), log.last_index()), log.snapshot_index());
  return DurableEnd{index, log.term_at(index).value_or(log.snapshot_term())};
}

std::string end_text(const DurableEnd& end) {
  return "last " + std::to_string(end.index) + "/t" + std::to_string(end.term);
}

// §5.4.1: a voter grants its vote only to a candidate whose log is at least
// as up to date as its own: a later last term, or the same last term and a
// log at least as long. Written out here rather than borrowed from RaftLog,
// so that a bug in Raft's own rule cannot blind the judge of it.
bool would_vote_for(const DurableEnd& voter, const DurableEnd& candidate) {
  if (candidate.term != voter.term) return candidate.term > voter.term;
  return candidate.index >= voter.index;
}

}  // namespace

std::optional<Violation> RaftObserver::check(std::span<const Node* const> nodes) {
  nodes_.resize(nodes.size(), nullptr);
  hosts_.resize(nodes.size(), nullptr);
  rafts_.resize(nodes.size(), nullptr);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i] != nodes_[i]) {
      nodes_[i] = nodes[i];
      hosts_[i] = dynamic_cast<const RaftHost*>(nodes[i]);
    }
    rafts_[i] = hosts_[i] == nullptr ? nullptr : &hosts_[i]->raft();
  }
  return check_rafts(rafts_);
}

std::optional<Violation> RaftObserver::check_rafts(const std::vector<const Raft*>& rafts) {
  // What changed since the last step: pairs and quorums of unchanged nodes
  // need not be looked at again (this runs after every event).
  std::vector<bool>& changed = changed_;
  std::vector<bool>& read_locally = read_locally_;
  changed.assign(rafts.size(), false);
  read_locally.assign(rafts.size(), false);
  bool any_changed = false;
  signatures_.resize(rafts.size());
  for (std::size_t i = 0; i < rafts.size(); ++i) {
    Signature signature;
    if (rafts[i] != nullptr && rafts[i]->ready()) {
      const Raft& raft = *rafts[i];
      const RaftLog& log = raft.log();
      signature = Signature{log.last_index(), *log.chain_at(log.last_index()), raft.commit_index(),
                            raft.durable_index(), raft.local_reads(), raft.repair_mark_on_disk(), true};
      read_locally[i] = signatures_[i].up && raft.local_reads() > signatures_[i].local_reads;
    }
    changed[i] = !(signature == signatures_[i]);
    any_changed = any_changed || changed[i];
    signatures_[i] = signature;
  }
  if (auto violation = check_leaders(rafts)) return violation;
  // Committed entries and leader completeness change only with a node's log
  // or commit index, or with what other nodes have committed.
  const bool new_commits = commits_version_ != completeness_checked_version_;
  for (std::size_t i = 0; i < rafts.size(); ++i) {
    const Raft* raft = rafts[i];
    if (raft == nullptr || !raft->ready() || !changed[i]) continue;
    if (auto violation = check_committed(*raft)) return violation;
  }
  for (std::size_t i = 0; i < rafts.size(); ++i) {
    const Raft* raft = rafts[i];
    if (raft == nullptr || !raft->ready() || raft->role() != Role::leader) continue;
    if (!changed[i] && !new_commits && raft->term() == completeness_checked_term_) continue;
    if (auto violation = check_completeness(*raft)) return violation;
    completeness_checked_term_ = raft->term();
  }
  completeness_checked_version_ = commits_version_;
  if (any_changed) {
    if (auto violation = check_commit_safe(rafts)) return violation;
  }
  for (std::size_t i = 0; i < rafts.size(); ++i) {
    if (!read_locally[i]) continue;
    if (auto violation = check_local_read(*rafts[i], rafts)) return violation;
  }
  for (std::size_t i = 0; i < rafts.size(); ++i) {
    for (std::size_t j = i + 1; j < rafts.size(); ++j) {
      if (!signatures_[i].up || !signatures_[j].up || !(changed[i] || changed[j])) continue;
      if (auto violation = check_log_matching(*rafts[i], *rafts[j])) return violation;
    }
  }
  return std::nullopt;
}

// Election safety (§5.2): at most one leader per term, over the whole run.
std::optional<Violation> RaftObserver::check_leaders(const std::vector<const Raft*>& rafts) {
  for (const Raft* raft : rafts) {
    if (raft == nullptr || !raft->ready() || raft->role() != Role::leader) continue;
    auto [it, inserted] = leaders_.try_emplace(raft->term(), raft->self());  // no node allocated when known
    if (!inserted && it->second != raft->self()) {
      return Violation{"raft.one-leader-per-term",
                       "nodes " + std::to_string(it->second) + " and " +
                           std::to_string(raft->self()) + " both led term " +
                           std::to_string(raft->term()),
                       raft->self()};
    }
  }
  return std::nullopt;
}

// State machine safety (§5.4.3): once any node has committed an entry at an
// index, no node ever commits (and so applies) a different one there.
std::optional<Violation> RaftObserver::check_committed(const Raft& raft) {
  const RaftLog& log = raft.log();
  Index& checked = checked_[raft.self()];
  if (checked > raft.commit_index()) checked = log.snapshot_index();  // restarted
  if (committed_.size() <= raft.commit_index()) committed_.resize(raft.commit_index() + 1);
  for (Index index = std::max(checked + 1, log.snapshot_index()); index <= raft.commit_index();
       ++index) {
    const std::optional<std::uint64_t> chain = log.chain_at(index);
    if (!chain || index == 0) continue;
    Committed& record = committed_[index];
    if (!record.known) {
      record = Committed{*chain, raft.term(), true};
      Index& newest = newest_by_commit_term_[raft.term()];
      newest = std::max(newest, index);
      ++commits_version_;
    } else if (record.chain != *chain) {
      return Violation{"raft.state-machine-safety",
                       "node " + std::to_string(raft.self()) +
                           " committed a different entry than another node" + at(index),
                       raft.self()};
    }
  }
  checked = raft.commit_index();
  return std::nullopt;
}

// Leader completeness (§5.4): a leader of term T holds every entry committed
// in an earlier term. The chain hash at the newest such index covers all
// entries before it too.
std::optional<Violation> RaftObserver::check_completeness(const Raft& leader) {
  if (completeness_cache_.version != commits_version_ || completeness_cache_.term != leader.term()) {
    Index newest = 0;
    for (auto it = newest_by_commit_term_.begin();
         it != newest_by_commit_term_.end() && it->first < leader.term(); ++it) {
      newest = std::max(newest, it->second);
    }
    completeness_cache_ = CompletenessCache{commits_version_, leader.term(), newest};
  }
  const Index index = completeness_cache_.index;
  if (index == 0) return std::nullopt;
  const RaftLog& log = leader.log();
  if (index < log.snapshot_index()) return std::nullopt;  // compacted: cannot compare
  const std::optional<std::uint64_t> chain = log.chain_at(index);
  if (!chain || *chain != committed_[index].chain) {
    return Violation{"raft.leader-completeness",
                     "leader " + std::to_string(leader.self()) + " of term " +
                         std::to_string(leader.term()) + " lacks an entry committed earlier" +
                         at(index),
                     leader.self()};
  }
  return std::nullopt;
}

// Commit safety: the newest committed entry must survive any election. In
// correct Raft the quorum that made it committed holds, durably, an entry of
// the committing leader's term at or after it (§5.4.2), so none of them
// votes for a node lacking it (§5.4.1), and every quorum contains one of
// them. A node lacking it that could still collect a quorum of votes from
// its own configuration, counting each live voter's log as a crash would
// leave it, means a crash or an election can undo the commit: the Figure 8
// hazard, or acknowledgements sent before fsync. Nodes that are down, still
// loading, or that would come back repairing a damaged log (they vote only
// for logs past what they lost) are left out, so this can miss a hazard but
// not invent one.
std::optional<Violation> RaftObserver::check_commit_safe(
    const std::vector<const Raft*>& rafts) const {
  const Raft* committer = nullptr;
  for (const Raft* raft : rafts) {
    if (raft == nullptr || !raft->ready()) continue;
    if (committer == nullptr || raft->commit_index() > committer->commit_index()) committer = raft;
  }
  if (committer == nullptr || committer->commit_index() == 0) return std::nullopt;
  const Index index = committer->commit_index();
  const std::optional<std::uint64_t> chain = committer->log().chain_at(index);
  if (!chain) return std::nullopt;
  // Each live node that would vote, with the log end a crash would leave it.
  std::vector<std::pair<NodeId, DurableEnd>> voters;
  for (const Raft* raft : rafts) {
    if (raft != nullptr && raft->ready() && !raft->repair_mark_on_disk()) {
      voters.emplace_back(raft->self(), durable_end(*raft));
    }
  }
  for (const Raft* candidate : rafts) {
    if (candidate == nullptr || !candidate->ready() || candidate->repair_mark_on_disk()) continue;
    const DurableEnd end = durable_end(*candidate);
    const RaftLog& log = candidate->log();
    if (index <= log.snapshot_index()) continue;  // covered by its snapshot
    if (end.index >= index && log.chain_at(index) == chain) continue;
    const ClusterConfig& config = candidate->config();
    if (!std::binary_search(config.voters.begin(), config.voters.end(), candidate->self())) {
      continue;  // not a voter in its own view: it does not campaign
    }
    std::vector<std::pair<NodeId, DurableEnd>> electors;
    for (const auto& [id, voter_end] : voters) {
      if (std::binary_search(config.voters.begin(), config.voters.end(), id) &&
          would_vote_for(voter_end, end)) {
        electors.emplace_back(id, voter_end);
      }
    }
    if (electors.size() < config.quorum()) continue;
    std::string names;
    for (const auto& [id, elector_end] : electors) {
      names += (names.empty() ? "" : ", ") + std::to_string(id) + " (" + end_text(elector_end) + ")";
    }
    return Violation{"raft.commit-at-risk",
                     "node " + std::to_string(committer->self()) + " committed the entry" +
                         at(index) + " (term " + std::to_string(*committer->log().term_at(index)) +
                         "), but node " + std::to_string(candidate->self()) + " lacks it (" +
                         end_text(end) + " on disk) and nodes {" + names +
                         "}, a quorum of its configuration, would vote for it with the logs a crash now "
                         "would leave them: the commit can be undone",
                     candidate->self()};
  }
  return std::nullopt;
}

// Lease safety (thesis §6.4.1): a read answered from a lease, without a
// quorum round, is linearizable only if no later leader has committed
// anything the reader lacks. Checked in the step the read was vouched for,
// against every live node, so a lease that outlives its leadership shows
// even if no client happens to read the key that moved on.
std::optional<Violation> RaftObserver::check_local_read(
    const Raft& reader, const std::vector<const Raft*>& rafts) const {
  for (const Raft* other : rafts) {
    if (other == nullptr || !other->ready() || other->term() <= reader.term()) continue;
    if (other->commit_index() <= reader.commit_index()) continue;
    const auto leader = leaders_.upper_bound(reader.term());
    if (leader == leaders_.end()) continue;  // no later leader: nothing newer committed
    return Violation{"raft.stale-local-read",
                     "node " + std::to_string(reader.self()) +
                         " answered a read without a quorum round as leader of term " +
                         std::to_string(reader.term()) + " at commit " +
                         std::to_string(reader.commit_index()) + ", but node " +
                         std::to_string(leader->second) + " led term " +
                         std::to_string(leader->first) + " and node " +
                         std::to_string(other->self()) + " has committed up to " +
                         std::to_string(other->commit_index()) + ": the read can be stale",
                     reader.self()};
  }
  return std::nullopt;
}

// Log matching (§5.3): two logs with an entry of the same index and term are
// identical up to it. Checked where divergence shows first: each log's end
// and commit point.
std::optional<Violation> RaftObserver::check_log_matching(const Raft& a, const Raft& b) const {
  const Index probes[] = {a.log().last_index(), b.log().last_index(), a.commit_index(),
                          b.commit_index(), std::min(a.log().last_index(), b.log().last_index())};
  for (std::size_t i = 0; i < std::size(probes); ++i) {
    const Index index = probes[i];
    if (index == 0 || std::find(probes, probes + i, index) != probes + i) continue;  // seen
    const auto term_a = a.log().term_at(index);
    const auto term_b = b.log().term_at(index);
    if (!term_a || !term_b || *term_a != *term_b) continue;
    if (*a.log().chain_at(index) != *b.log().chain_at(index)) {
      return Violation{"raft.log-matching",
                       "nodes " + std::to_string(a.self()) + " and " + std::to_string(b.self()) +
                           " hold entries of term " + std::to_string(*term_a) +
                           " with different histories" + at(index),
                       b.self()};
    }
  }
  return std::nullopt;
}

}  // namespace simlab::raft

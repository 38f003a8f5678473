#include "systems/raft/observer.h"

#include "systems/raft/raft_host.h"

namespace simlab::raft {
namespace {

std::string at(Index index) { return " at index " + std::to_string(index); }

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
  if (auto violation = check_leaders(rafts)) return violation;
  for (const Raft* raft : rafts) {
    if (raft == nullptr || !raft->ready()) continue;
    if (auto violation = check_committed(*raft)) return violation;
    if (raft->role() == Role::leader) {
      if (auto violation = check_completeness(*raft)) return violation;
    }
  }
  std::vector<bool> changed(rafts.size(), false);
  signatures_.resize(rafts.size());
  for (std::size_t i = 0; i < rafts.size(); ++i) {
    Signature signature;
    if (rafts[i] != nullptr && rafts[i]->ready()) {
      const RaftLog& log = rafts[i]->log();
      signature = Signature{log.last_index(), *log.chain_at(log.last_index()),
                            rafts[i]->commit_index(), true};
    }
    changed[i] = !(signature == signatures_[i]);
    signatures_[i] = signature;
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
    auto [it, inserted] = leaders_.emplace(raft->term(), raft->self());
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
std::optional<Violation> RaftObserver::check_completeness(const Raft& leader) const {
  Index index = 0;
  for (auto it = newest_by_commit_term_.begin();
       it != newest_by_commit_term_.end() && it->first < leader.term(); ++it) {
    index = std::max(index, it->second);
  }
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

// Log matching (§5.3): two logs with an entry of the same index and term are
// identical up to it. Checked where divergence shows first: each log's end
// and commit point.
std::optional<Violation> RaftObserver::check_log_matching(const Raft& a, const Raft& b) const {
  const Index probes[] = {a.log().last_index(), b.log().last_index(), a.commit_index(),
                          b.commit_index(), std::min(a.log().last_index(), b.log().last_index())};
  for (Index index : probes) {
    if (index == 0) continue;
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

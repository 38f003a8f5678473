// Raft's safety properties across nodes (Figure 3 of the Raft paper), checked
// after every step by the driver: election safety (one leader per term), log
// matching, leader completeness and state machine safety. It remembers every
// committed entry it has seen, so a later divergence is caught even after
// the node that committed it crashed. It also checks that the newest
// committed entry is safe NOW: no node lacking it could win an election,
// even after crashes drop every unsynced write. That catches a commit that
// a crash or an election could undo before anything is lost.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "systems/common/node.h"
#include "systems/raft/raft.h"
#include "systems/raft/raft_host.h"

namespace simlab::raft {

class RaftObserver final : public ClusterObserver {
 public:
  std::optional<Violation> check(std::span<const Node* const> nodes) override;

  // Every node here is a Raft (nullptr: down). Exposed for tests.
  std::optional<Violation> check_rafts(const std::vector<const Raft*>& rafts);

 private:
  struct Committed {
    std::uint64_t chain = 0;
    Term commit_term = 0;  // a term at which some node already saw it committed
    bool known = false;
  };
  std::optional<Violation> check_leaders(const std::vector<const Raft*>& rafts);
  std::optional<Violation> check_committed(const Raft& raft);
  std::optional<Violation> check_log_matching(const Raft& a, const Raft& b) const;
  std::optional<Violation> check_completeness(const Raft& leader);
  std::optional<Violation> check_commit_safe(const std::vector<const Raft*>& rafts) const;
  std::optional<Violation> check_local_read(const Raft& reader,
                                            const std::vector<const Raft*>& rafts) const;

  // What a node's log looked like when pairs were last compared: a pair of
  // unchanged nodes need not be compared again (the check runs every step).
  struct Signature {
    Index last = 0;
    std::uint64_t last_chain = 0;
    Index commit = 0;
    Index durable = 0;
    std::uint64_t local_reads = 0;
    bool recovering = false;  // repair_mark_on_disk()
    bool up = false;
    friend bool operator==(const Signature&, const Signature&) = default;
  };
  std::vector<Signature> signatures_;
  std::vector<bool> changed_;       // per node, this step (kept to reuse the storage)
  std::vector<bool> read_locally_;  // per node: answered a read without a round this step

  // Each node as a RaftHost, cast once per node object: the check runs after
  // every event, and a dynamic_cast per node per event was an eighth of the
  // simulation's time. A restarted node may reuse a freed node's address;
  // every node of a cluster has the same type, so the cast is the same, and
  // raft() is asked afresh each time (the new node has a new Raft).
  std::vector<const Node*> nodes_;
  std::vector<const RaftHost*> hosts_;
  std::vector<const Raft*> rafts_;

  std::map<Term, NodeId> leaders_;
  std::vector<Committed> committed_;  // by index; [0] unused
  // For each commit term, the newest index first seen committed at it: a
  // leader of term T is checked at the newest index over terms below T.
  std::map<Term, Index> newest_by_commit_term_;
  // The newest index committed before a leader's term, for the last term
  // asked about; recomputed only when newest_by_commit_term_ changes.
  std::uint64_t commits_version_ = 0;
  struct CompletenessCache {
    std::uint64_t version = ~std::uint64_t{0};
    Term term = 0;
    Index index = 0;
  };
  CompletenessCache completeness_cache_;
  // What the last completeness check covered: skipped while neither the
  // leader nor the committed entries changed.
  std::uint64_t completeness_checked_version_ = ~std::uint64_t{0};
  Term completeness_checked_term_ = 0;
  std::map<NodeId, Index> checked_;   // per node: committed entries compared so far
};

}  // namespace simlab::raft

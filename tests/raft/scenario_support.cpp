#include "tests/raft/scenario.h"

namespace simlab::testing {

void settle_disks(TestCluster& cluster) {
  for (NodeId id : cluster.ids()) cluster.complete_disk(id);
}

bool run_election(TestCluster& cluster, NodeId id, int rounds_max) {
  using raft::Role;
  for (int round = 0; round < rounds_max; ++round) {
    // Tick until the node's election timer fires and it asks for votes.
    cluster.drop(id, 0);
    for (int tick = 0; tick < 64 && cluster.queued(id, 0) == 0; ++tick) {
      cluster.tick(id);
      cluster.complete_disk(id);
    }
    // Vote requests out, votes persisted and back, until decided.
    for (int step = 0; step < 8 && cluster.queued(id, 0) + cluster.queued(0, id) > 0; ++step) {
      if (cluster.raft(id).role() == Role::leader) break;
      cluster.deliver(id, 0);
      settle_disks(cluster);
      for (NodeId other : cluster.ids()) {
        if (other != id) cluster.deliver(other, id);
      }
      cluster.complete_disk(id);
    }
    if (cluster.raft(id).role() == Role::leader) return true;
  }
  return false;
}

RequestId write(TestCluster& cluster, NodeId id, std::uint64_t key, std::int64_t value) {
  kv::Request request;
  request.kind = kv::RequestKind::write;
  request.client_id = 1000 + static_cast<std::uint64_t>(value);
  request.sequence = 1;
  request.key = key;
  request.value = kv::KvValue{value};
  return cluster.request(id, request);
}

RequestId read(TestCluster& cluster, NodeId id, std::uint64_t key) {
  kv::Request request;
  request.kind = kv::RequestKind::read;
  request.key = key;
  return cluster.request(id, request);
}

bool has_violation(const TestCluster& cluster, const std::string& invariant) {
  for (const Violation& violation : cluster.violations()) {
    if (invariant.empty() || violation.invariant == invariant) return true;
  }
  return false;
}

}  // namespace simlab::testing

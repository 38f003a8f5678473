// Helpers for scripted scenarios on a TestCluster (planted-bug tests).
#pragma once

#include <string>

#include "tests/raft/test_cluster.h"

namespace simlab::testing {

// Completes every node's queued disk operations.
void settle_disks(TestCluster& cluster);
// Ticks `id` until it campaigns, then exchanges only vote traffic (with disk
// completions) until it wins or gives up; retries in higher terms. The new
// leader's first appends stay queued for the caller to deliver or drop.
bool run_election(TestCluster& cluster, NodeId id, int rounds_max = 4);
RequestId write(TestCluster& cluster, NodeId id, std::uint64_t key, std::int64_t value);
RequestId read(TestCluster& cluster, NodeId id, std::uint64_t key);
// True if a violation with this invariant name (any, if empty) was found.
bool has_violation(const TestCluster& cluster, const std::string& invariant = {});

}  // namespace simlab::testing

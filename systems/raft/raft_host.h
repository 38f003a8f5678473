// A Node that runs Raft inside it exposes it read-only, so the cluster
// observer can check Raft's properties across nodes whatever sits on top.
#pragma once

namespace simlab::raft {

class Raft;

class RaftHost {
 public:
  virtual ~RaftHost() = default;
  virtual const Raft& raft() const = 0;
};

}  // namespace simlab::raft

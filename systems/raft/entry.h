// A Raft log entry and the cluster configuration some entries carry.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "systems/common/byte_codec.h"
#include "systems/common/types.h"

namespace simlab::raft {

using Index = std::uint64_t;
using Term = std::uint64_t;

// "Nobody" (no leader, no vote). Node ids start at 0 in the simulator.
inline constexpr NodeId kNoNode = 0xFFFF'FFFF;

enum class EntryType : std::uint8_t {
  command,  // an application command (the KV state machine's)
  noop,     // appended by a new leader so it can commit in its own term (§5.4.2)
  config,   // a new cluster configuration, effective once appended (thesis §4.1)
};

struct Entry {
  Index index = 0;
  Term term = 0;
  EntryType type = EntryType::command;
  Bytes data;
  friend bool operator==(const Entry&, const Entry&) = default;
};

// Voters decide elections and commits; learners receive the log until they
// have caught up and are then promoted (thesis §4.2.1, etcd's learners).
struct ClusterConfig {
  std::vector<NodeId> voters;    // sorted, unique
  std::vector<NodeId> learners;  // sorted, unique, disjoint from voters

  bool is_voter(NodeId id) const {
    return std::binary_search(voters.begin(), voters.end(), id);
  }
  bool is_learner(NodeId id) const {
    return std::binary_search(learners.begin(), learners.end(), id);
  }
  bool is_member(NodeId id) const { return is_voter(id) || is_learner(id); }
  std::size_t quorum() const { return voters.size() / 2 + 1; }
  friend bool operator==(const ClusterConfig&, const ClusterConfig&) = default;
};

void encode_config(ByteWriter& writer, const ClusterConfig& config);
ClusterConfig decode_config(ByteReader& reader);
Bytes config_bytes(const ClusterConfig& config);
std::string config_text(const ClusterConfig& config);

void encode_entry(ByteWriter& writer, const Entry& entry);
Entry decode_entry(ByteReader& reader);

}  // namespace simlab::raft

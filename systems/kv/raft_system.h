// The "raft" system under test: the KV store on Raft. The harness builds it
// by name and lists its planted bugs with `simlab bugs`.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "systems/common/node.h"
#include "systems/raft/bugs.h"

namespace simlab::kv {

using raft::BugInfo;

class RaftSystemFactory final : public SystemFactory {
 public:
  // Throws std::invalid_argument on bad options_json (see options_error).
  std::unique_ptr<Node> make_node(const NodeConfig& config) const override;
  std::unique_ptr<ClusterObserver> make_observer() const override;
};

inline constexpr std::string_view kRaftSystemName = "raft";
std::unique_ptr<SystemFactory> make_raft_system();
// Planted bugs of the raft system, each with a one-line description.
std::span<const BugInfo> raft_bugs();
// Empty if `options_json` is valid for this system, else a message naming the
// bad key (so the harness can exit 64 before any node is built).
std::string options_error(std::string_view options_json);

}  // namespace simlab::kv

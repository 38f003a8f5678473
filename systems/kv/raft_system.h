// The "raft" system under test: the KV store on Raft. The harness builds it
// by name and lists its planted bugs with `simlab bugs`.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "systems/common/node.h"

namespace simlab::kv {

class RaftSystemFactory final : public SystemFactory {
 public:
  // Throws std::invalid_argument on bad options_json (see options_error).
  std::unique_ptr<Node> make_node(const NodeConfig& config) const override;
  std::unique_ptr<ClusterObserver> make_observer() const override;
  // Raft's planted bugs, then the KV store's.
  std::vector<PlantedBug> planted_bugs() const override;
  std::string options_error(std::string_view options_json) const override;
  std::uint32_t nodes_max() const override;
  std::uint32_t damaged_disks_tolerated(std::string_view options_json,
                                        std::uint32_t nodes) const override;
  // None: a Raft member that forgot its term and vote can vote twice in a
  // term (Raft needs its persistent state to survive: Ongaro's thesis, 3.8).
  std::uint32_t lost_disks_tolerated(std::string_view, std::uint32_t) const override { return 0; }
  std::string describe_message(ByteView payload) const override;
  std::string describe_request(ByteView payload) const override;
  std::string describe_reply(ByteView payload) const override;
};

inline constexpr std::string_view kRaftSystemName = "raft";
std::unique_ptr<SystemFactory> make_raft_system();

}  // namespace simlab::kv

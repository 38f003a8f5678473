#include "systems/kv/raft_system.h"

#include "systems/kv/kv_bugs.h"
#include "systems/kv/kv_node.h"
#include "systems/raft/bugs.h"
#include "systems/raft/limits.h"
#include "systems/raft/observer.h"
#include "systems/raft/options.h"

namespace simlab::kv {

std::unique_ptr<Node> RaftSystemFactory::make_node(const NodeConfig& config) const {
  return std::make_unique<KvNode>(config);
}

std::unique_ptr<ClusterObserver> RaftSystemFactory::make_observer() const {
  return std::make_unique<raft::RaftObserver>();
}

std::unique_ptr<SystemFactory> make_raft_system() { return std::make_unique<RaftSystemFactory>(); }

std::vector<PlantedBug> RaftSystemFactory::planted_bugs() const {
  std::vector<PlantedBug> bugs(raft::raft_bugs().begin(), raft::raft_bugs().end());
  bugs.insert(bugs.end(), kv_bugs().begin(), kv_bugs().end());
  return bugs;
}

std::uint32_t RaftSystemFactory::nodes_max() const {
  return static_cast<std::uint32_t>(raft::kMembersMax);
}

std::string RaftSystemFactory::options_error(std::string_view options_json) const {
  raft::Options options;
  return raft::parse_options(options_json, options);
}

}  // namespace simlab::kv

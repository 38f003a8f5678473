#include "systems/kv/raft_system.h"

#include "systems/kv/kv_bugs.h"
#include "systems/kv/kv_node.h"
#include "systems/kv/kv_protocol.h"
#include "systems/raft/bugs.h"
#include "systems/raft/limits.h"
#include "systems/raft/message.h"
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

// A committed entry is on a majority: damage to a minority's disks leaves
// a whole copy to elect and repair from.
std::uint32_t RaftSystemFactory::damaged_disks_tolerated(std::string_view /*options_json*/,
                                                         std::uint32_t nodes) const {
  return nodes == 0 ? 0 : (nodes - 1) / 2;
}

std::string RaftSystemFactory::describe_message(ByteView payload) const {
  const auto message = raft::decode_message(payload);
  return message ? raft::message_text(*message) : "";
}

// "write k6 4", "read k7", "cas k2 3->5", "append k3 \"3,\"".
std::string RaftSystemFactory::describe_request(ByteView payload) const {
  const auto request = decode_request(payload);
  if (!request) return "";
  std::string text = std::string(request_kind_name(request->kind));
  switch (request->kind) {
    case RequestKind::read:
      return text + " k" + std::to_string(request->key);
    case RequestKind::write:
    case RequestKind::append:
      return text + " k" + std::to_string(request->key) + " " + value_text(request->value);
    case RequestKind::cas:
      return text + " k" + std::to_string(request->key) + " " + value_text(request->expected) +
             "->" + value_text(request->value);
    default:
      return text + " n" + std::to_string(request->node);
  }
}

std::string RaftSystemFactory::describe_reply(ByteView payload) const {
  const auto response = decode_response(payload);
  if (!response) return "";
  std::string text = status_name(response->status);
  if (!response->value.is_nil()) text += " " + value_text(response->value);
  return text;
}

std::string RaftSystemFactory::options_error(std::string_view options_json) const {
  raft::Options options;
  return raft::parse_options(options_json, options);
}

}  // namespace simlab::kv

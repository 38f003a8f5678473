#include "systems/crdt/crdt_options.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace simlab::crdt {

std::string parse_crdt_options(std::string_view json_text, CrdtOptions& options) {
  if (json_text.empty()) return {};
  const auto root = nlohmann::json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return "not a JSON object";
  for (const auto& [group, value] : root.items()) {
    if (group != "crdt") return group + ": unknown option group (expected crdt)";
    if (!value.is_object()) return "crdt: expected an object";
    for (const auto& [key, setting] : value.items()) {
      if (key != "offline_replicas") return "crdt." + key + ": unknown option";
      if (!setting.is_number_integer() || setting.get<std::int64_t>() < 0 ||
          setting.get<std::int64_t>() > 32) {
        return "crdt.offline_replicas: expected an integer in [0, 32]";
      }
      options.offline_replicas = setting.get<std::uint32_t>();
    }
  }
  return {};
}

bool CrdtRoles::is_offline(NodeId node) const {
  return std::find(offline.begin(), offline.end(), node) != offline.end();
}

// Offline replicas share the servers out in turn: n6 syncs with n1, n7 with n2.
NodeId CrdtRoles::home_of(NodeId offline_node) const {
  const auto at = std::find(offline.begin(), offline.end(), offline_node);
  if (at == offline.end() || servers.empty()) return kNoNode;
  return servers[static_cast<std::size_t>(at - offline.begin()) % servers.size()];
}

CrdtRoles crdt_roles(const CrdtOptions& options, std::uint32_t nodes) {
  CrdtRoles roles;
  const std::uint32_t offline = std::min(options.offline_replicas, nodes);
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + nodes; ++node) {
    (node - kFirstNodeId < nodes - offline ? roles.servers : roles.offline).push_back(node);
  }
  return roles;
}

}  // namespace simlab::crdt

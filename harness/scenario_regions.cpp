#include "harness/scenario_regions.h"

#include <fmt/format.h>

#include <set>

#include "harness/scenario.h"

namespace simlab {
namespace {

constexpr const char* kNodesField = "regions.nodes";
constexpr const char* kLatencyField = "regions.latency_ms";

std::vector<NodeId> parse_region(const nlohmann::json& region) {
  if (!region.is_array() || region.empty())
    throw ScenarioError(kNodesField, "expected each region to be a non-empty list of node ids");
  std::vector<NodeId> nodes;
  for (const nlohmann::json& node : region) {
    if (!node.is_number_unsigned() || node.get<std::uint64_t>() < kFirstNodeId ||
        node.get<std::uint64_t>() > UINT32_MAX)
      throw ScenarioError(kNodesField,
                          fmt::format("expected a node id (1, 2, ...), found {}", node.dump()));
    nodes.push_back(node.get<NodeId>());
  }
  return nodes;
}

}  // namespace

Regions parse_regions(const nlohmann::json& value) {
  if (!value.is_object()) throw ScenarioError("regions", "expected an object");
  for (const auto& [key, field] : value.items()) {
    if (key != "nodes" && key != "latency_ms")
      throw ScenarioError("regions." + key, "unknown field");
  }
  Regions regions;
  const auto nodes = value.find("nodes");
  if (nodes == value.end() || !nodes->is_array() || nodes->empty())
    throw ScenarioError(kNodesField, "expected a non-empty list of regions, each a list of nodes");
  for (const nlohmann::json& region : *nodes) regions.nodes.push_back(parse_region(region));
  const auto latency = value.find("latency_ms");
  if (latency == value.end() || !latency->is_array() || latency->size() != 2 ||
      !(*latency)[0].is_number_unsigned() || !(*latency)[1].is_number_unsigned() ||
      (*latency)[0].get<std::uint64_t>() > (*latency)[1].get<std::uint64_t>() ||
      (*latency)[1].get<std::uint64_t>() > 60'000) {
    throw ScenarioError(kLatencyField,
                        "expected [min, max] in milliseconds, 0 <= min <= max <= 60000");
  }
  regions.latency_ms_min = (*latency)[0].get<std::int64_t>();
  regions.latency_ms_max = (*latency)[1].get<std::int64_t>();
  return regions;
}

nlohmann::json regions_to_json(const Regions& regions) {
  return {{"nodes", regions.nodes},
          {"latency_ms", {regions.latency_ms_min, regions.latency_ms_max}}};
}

void check_regions(const Regions& regions, std::uint32_t node_count) {
  if (regions.empty()) return;
  std::set<NodeId> placed;
  for (const auto& region : regions.nodes) {
    for (const NodeId node : region) {
      if (node > node_count)
        throw ScenarioError(kNodesField, fmt::format("node {} is not one of the scenario's {} "
                                                     "nodes",
                                                     node, node_count));
      if (!placed.insert(node).second)
        throw ScenarioError(kNodesField, fmt::format("node {} is in two regions", node));
    }
  }
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + node_count; ++node) {
    if (!placed.contains(node))
      throw ScenarioError(kNodesField, fmt::format("node {} is in no region", node));
  }
}

Regions regions_within(const Regions& regions, std::uint32_t node_count) {
  Regions within = regions;
  for (auto& region : within.nodes)
    std::erase_if(region, [&](NodeId node) { return node > node_count; });
  std::erase_if(within.nodes, [](const std::vector<NodeId>& region) { return region.empty(); });
  return within;
}

}  // namespace simlab

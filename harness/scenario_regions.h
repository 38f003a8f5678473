// A scenario's regions: which node is in which region, and the one-way
// latency of a message between two regions (a message inside one keeps the
// network's own). JSON: "regions": {"nodes": [[1, 2], [3, 4], [5]],
// "latency_ms": [20, 60]} (uniform between the two). Region partitions
// (faults/nemesis.h) cut one region off from the others.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "systems/common/types.h"

namespace simlab {

struct Regions {
  std::vector<std::vector<NodeId>> nodes;  // empty: no regions
  std::int64_t latency_ms_min = 0, latency_ms_max = 0;
  bool empty() const { return nodes.empty(); }
  friend bool operator==(const Regions&, const Regions&) = default;
};

// Throws ScenarioError naming regions.nodes or regions.latency_ms.
Regions parse_regions(const nlohmann::json& value);
nlohmann::json regions_to_json(const Regions& regions);
// Every node of 1..node_count in exactly one region; throws ScenarioError
// naming regions.nodes otherwise. No regions is valid.
void check_regions(const Regions& regions, std::uint32_t node_count);
// Without the nodes above node_count, and without regions left empty (the
// shrinker drops nodes).
Regions regions_within(const Regions& regions, std::uint32_t node_count);

}  // namespace simlab

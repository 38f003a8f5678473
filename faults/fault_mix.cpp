#include "faults/fault_mix.h"

#include <algorithm>
#include <numeric>

namespace simlab::faults {
namespace {

constexpr std::array<std::string_view, kFaultKindCount> kKindNames = {
    "partition", "crash",      "pause", "clock",  "packet",    "clog",
    "disk",      "membership", "eio",   "enospc", "disk-loss", "offline"};
constexpr std::array<std::string_view, kPartitionShapeCount> kShapeNames = {
    "halves", "random-halves", "one-node", "majorities-ring", "bridge", "one-way"};

std::vector<NodeId> shuffled_nodes(std::uint32_t node_count, RandomSource& random) {
  std::vector<NodeId> nodes(node_count);
  std::iota(nodes.begin(), nodes.end(), kFirstNodeId);
  for (std::size_t i = nodes.size(); i > 1; --i) std::swap(nodes[i - 1], nodes[random.below(i)]);
  return nodes;
}

void block_between(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b,
                   bool both_ways, std::vector<std::pair<NodeId, NodeId>>& links) {
  for (NodeId a : side_a) {
    for (NodeId b : side_b) {
      links.emplace_back(a, b);
      if (both_ways) links.emplace_back(b, a);
    }
  }
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

std::optional<FaultKind> parse_fault_kind(std::string_view name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<FaultKind>(i);
  }
  return std::nullopt;
}

std::string_view partition_shape_name(PartitionShape shape) {
  return kShapeNames[static_cast<std::size_t>(shape)];
}

std::optional<PartitionShape> parse_partition_shape(std::string_view name) {
  for (std::size_t i = 0; i < kShapeNames.size(); ++i) {
    if (kShapeNames[i] == name) return static_cast<PartitionShape>(i);
  }
  return std::nullopt;
}

bool FaultMix::any() const {
  return std::any_of(rate_per_s.begin(), rate_per_s.end(), [](double rate) { return rate > 0; });
}

FaultMix choose_swarm_mix(const FaultMix& enabled, RandomSource& random) {
  FaultMix mix = enabled;
  std::vector<std::size_t> allowed;
  for (std::size_t kind = 0; kind < kFaultKindCount; ++kind) {
    if (enabled.rate_per_s[kind] > 0) allowed.push_back(kind);
  }
  if (allowed.empty()) return mix;
  bool kept_any = false;
  for (std::size_t kind : allowed) {
    const bool keep = random.chance(0.5);
    kept_any = kept_any || keep;
    mix.rate_per_s[kind] = keep ? enabled.rate_per_s[kind] * (0.25 + 0.75 * random.unit()) : 0;
    mix.intensity[kind] = keep ? enabled.intensity[kind] * (0.25 + 0.75 * random.unit()) : 0;
  }
  if (!kept_any) {  // never an empty mix: keep one kind at full strength
    const std::size_t kind = allowed[random.below(allowed.size())];
    mix.rate_per_s[kind] = enabled.rate_per_s[kind];
    mix.intensity[kind] = enabled.intensity[kind];
  }
  // Targeting is a knob like the others: a third of seeds aim nothing, the
  // rest aim a random share up to what the scenario allows.
  mix.targeted = random.chance(1.0 / 3) ? 0 : enabled.targeted * random.unit();
  return mix;
}

std::vector<std::pair<NodeId, NodeId>> partition_links(PartitionShape shape,
                                                       std::uint32_t node_count,
                                                       RandomSource& random, NodeId focus) {
  std::vector<std::pair<NodeId, NodeId>> links;
  if (node_count < 2) return links;
  std::vector<NodeId> nodes(node_count);
  std::iota(nodes.begin(), nodes.end(), kFirstNodeId);
  if (shape != PartitionShape::halves) nodes = shuffled_nodes(node_count, random);
  // The focus goes first: the lone node, the bridge, or the smaller side.
  const auto found = std::find(nodes.begin(), nodes.end(), focus);
  if (found != nodes.end()) std::iter_swap(nodes.begin(), found);
  const std::size_t half = node_count / 2;
  const std::vector<NodeId> first(nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(half));
  const std::vector<NodeId> rest(nodes.begin() + static_cast<std::ptrdiff_t>(half), nodes.end());
  switch (shape) {
    case PartitionShape::halves:
    case PartitionShape::random_halves:
      block_between(first, rest, true, links);
      break;
    case PartitionShape::one_node:
      block_between({nodes[0]}, std::vector<NodeId>(nodes.begin() + 1, nodes.end()), true, links);
      break;
    case PartitionShape::one_way:
      block_between(first, rest, false, links);
      break;
    case PartitionShape::bridge: {
      // nodes[0] is the bridge; the others split in two halves that only it joins.
      const std::vector<NodeId> others(nodes.begin() + 1, nodes.end());
      const std::size_t split = others.size() / 2;
      block_between(std::vector<NodeId>(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(split)),
                    std::vector<NodeId>(others.begin() + static_cast<std::ptrdiff_t>(split), others.end()),
                    true, links);
      break;
    }
    case PartitionShape::majorities_ring: {
      // Jepsen's majorities-ring: on a ring, each node keeps its nearest
      // neighbours so it sees exactly a majority (itself included).
      const std::uint32_t radius = node_count / 4 + (node_count % 4 == 3 ? 1 : 0);
      for (std::uint32_t i = 0; i < node_count; ++i) {
        for (std::uint32_t j = 0; j < node_count; ++j) {
          const std::uint32_t gap = i > j ? i - j : j - i;
          if (std::min(gap, node_count - gap) > radius) links.emplace_back(nodes[i], nodes[j]);
        }
      }
      break;
    }
  }
  return links;
}

}  // namespace simlab::faults

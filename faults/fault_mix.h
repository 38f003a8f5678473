// The fault model: which kinds of fault a run injects, how often and how
// hard. A rate is faults per simulated second (0: the kind is off); a fault
// lasts a random time up to duration_ms_max, then heals.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "systems/common/random_source.h"
#include "systems/common/types.h"

namespace simlab::faults {

enum class FaultKind : std::uint8_t {
  partition,   // shapes below
  crash,       // kill a node (unsynced writes may be lost), restart it later
  pause,       // a node processes nothing for a while (GC pause, SIGSTOP)
  clock,       // a jump forward or back, drift, or strobe on one node
  packet,      // loss, duplication, reordering and corruption on the links
  clog,        // a link holds everything for a while, then releases it
  disk,        // bit flips (latent corruption) or a stall
  membership,  // remove a member (re-added on heal) or transfer leadership;
               // needs the system's admin hook, ignored without one
  eio,         // a node's disk fails reads and writes with EIO, at random
  enospc,      // a node's disk is full: every write that grows a file fails
  disk_loss,   // "disk-loss": a node crashes and restarts with an empty disk (its
               // machine replaced); beyond the system's tolerance, a plain crash
  offline,     // an offline replica (a client's device) cut off from every other node
               // for three times as long as other faults; none without offline replicas
};
inline constexpr std::size_t kFaultKindCount = 12;
std::string_view fault_kind_name(FaultKind kind);
std::optional<FaultKind> parse_fault_kind(std::string_view name);

enum class PartitionShape : std::uint8_t {
  halves,           // the first half against the rest
  random_halves,    // a random half against the rest
  one_node,         // one random node alone
  majorities_ring,  // every node sees a majority, no two see the same one
  bridge,           // two halves joined through one node that sees both
  one_way,          // one random half cannot reach the other; replies flow
};
inline constexpr std::size_t kPartitionShapeCount = 6;
std::string_view partition_shape_name(PartitionShape shape);
std::optional<PartitionShape> parse_partition_shape(std::string_view name);

// A clock fault of intensity 1 drifts a clock by up to this fraction of
// real time (20%), either way.
inline constexpr double kClockDriftPerIntensity = 0.2;

struct FaultMix {
  std::array<double, kFaultKindCount> rate_per_s{};  // indexed by FaultKind
  std::array<double, kFaultKindCount> intensity{};   // 0..1, how hard (e.g. loss probability scale)
  std::vector<PartitionShape> partition_shapes;      // empty: all shapes
  std::int64_t duration_ms_max = 3000;
  // The share of partitions, crashes, pauses and clock faults aimed at a
  // role rather than a random node (Jepsen's targeted nemeses): the
  // leader, the node with the longest log, the node clients last talked to,
  // a majority or every node at once. 0: every fault picks its nodes at random.
  double targeted = 0;
  // At most this many distinct nodes get bit flips from the rate-driven
  // disk faults (a flip beyond it is a stall instead): the system's own
  // tolerance (SystemFactory::damaged_disks_tolerated), set when a scenario
  // is resolved, never written in one. Scripted flips are not counted.
  std::uint32_t damaged_disks_max = UINT32_MAX;
  // At most this many distinct nodes lose their whole disk to rate-driven
  // disk-loss faults (one beyond it is a plain crash instead): the system's
  // SystemFactory::lost_disks_tolerated, set when a scenario is resolved.
  std::uint32_t lost_disks_max = UINT32_MAX;
  // The system's offline replicas (SystemFactory::offline_nodes, set when a
  // scenario is resolved): offline faults cut them off, disk losses spare them.
  std::vector<NodeId> offline_nodes;
  // The scenario's regions (set when it is resolved, never written in one):
  // when there are two or more, half the partitions cut one region off
  // from the rest, as a lost link between data centres does.
  std::vector<std::vector<NodeId>> regions;

  double& rate(FaultKind kind) { return rate_per_s[static_cast<std::size_t>(kind)]; }
  double rate(FaultKind kind) const { return rate_per_s[static_cast<std::size_t>(kind)]; }
  double& strength(FaultKind kind) { return intensity[static_cast<std::size_t>(kind)]; }
  double strength(FaultKind kind) const { return intensity[static_cast<std::size_t>(kind)]; }
  bool any() const;
  // The largest clock-rate error this mix's clock faults can cause.
  double clock_drift_bound() const { return strength(FaultKind::clock) * kClockDriftPerIntensity; }
};

// Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012; TigerBeetle's
// VOPR): from the kinds `enabled` allows, each seed keeps a random non-empty
// subset, at random rates and intensities up to the enabled ones.
FaultMix choose_swarm_mix(const FaultMix& enabled, RandomSource& random);

// Which links a partition shape blocks, as (from, to) pairs. With a
// `focus` node (a targeted fault), it is the node alone (one-node), or in
// the smaller side (halves, one-way: it cannot reach the rest), or the
// bridge; a majorities ring has no smaller side.
std::vector<std::pair<NodeId, NodeId>> partition_links(PartitionShape shape,
                                                       std::uint32_t node_count,
                                                       RandomSource& random,
                                                       NodeId focus = kNoNode);

}  // namespace simlab::faults

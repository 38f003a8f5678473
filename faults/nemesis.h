// The nemesis, the same for the simulator and for real nodes (it acts
// through a NemesisHost). Rate mode: for each fault kind the mix turns on, a
// fiber waits a random (exponential) time, draws one fault, applies it
// through the host, holds it and heals it; kinds overlap, a kind
// never overlaps itself, and each kind draws from its own stream. A share of
// the faults (FaultMix::targeted) first asks the cluster who leads and aims
// at that role, as Jepsen's nemeses do. Script mode: the faults of a
// timeline, each at its time. Either way every fault is recorded, fully
// parameterised (the nodes a target resolved to, not the target), so the
// run's faults replay as a script.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "faults/cluster_view.h"
#include "faults/fault_mix.h"
#include "faults/nemesis_host.h"
#include "faults/scripted_fault.h"
#include "sim/prng.h"

namespace simlab::faults {

struct FaultEvent {
  ScriptedFault fault;
  std::string detail;        // fault.describe(), plus what happened (e.g. writes lost)
  std::int64_t end_ns = -1;  // when it healed; -1 while active
};

// Performs a membership fault's admin action (mode remove, add or transfer)
// the way an operator would, through the system's own client protocol. The
// nemesis cannot know any system's protocol, so the harness supplies this.
// It runs inside a fiber of its own and may block there.
using AdminAction = std::function<void(const ScriptedFault&)>;

// What the nemesis needs from the system under test: how to perform
// membership faults (without it they are recorded but do nothing) and how
// to find roles for targeted faults (without it, a targeted fault aims at
// the node that last answered a client).
struct NemesisHooks {
  AdminAction admin;
  ClusterProbe probe;
  // How many writes clients have seen acknowledged so far: a crash of
  // several nodes strikes right after the next one, when the promise is
  // freshest and the least of it may be on disk.
  std::function<std::uint64_t()> acknowledged_writes;
};

// Where a targeted fault aims: a description and the nodes it resolves to.
struct Aim {
  std::string target;  // "leader", "longest-log", "client-node", "majority", "all"
  NodeId node = kNoNode;
  std::vector<NodeId> more_nodes;
};

class Nemesis {
 public:
  // `random` is the nemesis's own stream (the run seed's "nemesis" split).
  Nemesis(NemesisHost& host, sim::Prng random, FaultMix mix, std::vector<ScriptedFault> script,
          NemesisHooks hooks = {});
  // Starts the rate fibers and schedules the script; nothing starts at or
  // after `until_ns` and everything still active heals there.
  void start(std::int64_t until_ns);
  // Ends every fault now and restarts crashed nodes (the liveness phase).
  void heal_all();
  const std::vector<FaultEvent>& timeline() const { return timeline_; }

 private:
  void run_kind(FaultKind kind, std::int64_t until_ns);
  ClusterView look() const;
  void wait_for_acknowledgement(std::int64_t until_ns);
  Aim choose_aim(FaultKind kind, sim::Prng& random, const ClusterView& view) const;
  ScriptedFault fresh_fault(FaultKind kind, sim::Prng& random) const;
  NodeId pick_node(sim::Prng& random, const Aim& aim) const;
  ScriptedFault draw(FaultKind kind, sim::Prng& random, const Aim& aim);
  ScriptedFault draw_partition(sim::Prng& random, const Aim& aim);
  ScriptedFault region_partition(ScriptedFault fault, sim::Prng& random);
  ScriptedFault draw_clock(sim::Prng& random, double strength, const Aim& aim);
  ScriptedFault draw_packet(sim::Prng& random, double strength);
  ScriptedFault draw_disk(sim::Prng& random, double strength);
  ScriptedFault draw_disk_loss(sim::Prng& random, const Aim& aim);
  ScriptedFault draw_offline(sim::Prng& random);
  ScriptedFault draw_membership(sim::Prng& random, double strength);
  void spawn_admin(const ScriptedFault& fault);
  std::size_t apply(const ScriptedFault& fault);
  std::vector<NodeId> node_ids() const;
  void heal(std::size_t event_index);

  NemesisHost& host_;
  FaultMix mix_;
  std::vector<ScriptedFault> script_;
  NemesisHooks hooks_;
  sim::Prng random_;
  std::vector<FaultEvent> timeline_;
  std::set<NodeId> damaged_disks_;  // nodes a rate-driven flip has hit
  std::set<NodeId> lost_disks_;     // nodes a rate-driven disk loss has hit
  bool healed_ = false;
};

}  // namespace simlab::faults

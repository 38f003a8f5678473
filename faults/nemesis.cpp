#include "faults/nemesis.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/integer_math.h"

namespace simlab::faults {

namespace {

bool targetable(FaultKind kind) {
  return kind == FaultKind::partition || kind == FaultKind::crash || kind == FaultKind::pause ||
         kind == FaultKind::clock;
}

}  // namespace

Nemesis::Nemesis(NemesisHost& host, sim::Prng random, FaultMix mix,
                 std::vector<ScriptedFault> script, NemesisHooks hooks)
    : host_(host),
      mix_(std::move(mix)),
      script_(std::move(script)),
      hooks_(std::move(hooks)),
      random_(random) {}

void Nemesis::start(std::int64_t until_ns) {
  for (std::size_t index = 0; index < kFaultKindCount; ++index) {
    const auto kind = static_cast<FaultKind>(index);
    if (mix_.rate(kind) <= 0) continue;
    if (kind == FaultKind::offline && mix_.offline_nodes.empty()) continue;  // nothing to cut off
    host_.spawn(fmt::format("nemesis-{}", fault_kind_name(kind)),
                [this, kind, until_ns] { run_kind(kind, until_ns); });
  }
  for (const ScriptedFault& fault : script_) {
    if (fault.at_ns >= until_ns) continue;
    const std::int64_t end_ns = std::min(fault.at_ns + fault.duration_ns, until_ns);
    host_.at(fault.at_ns, [this, fault, end_ns] {
      if (healed_) return;
      const std::size_t event = apply(fault);
      host_.at(end_ns, [this, event] {
        if (!healed_) heal(event);
      });
    });
  }
}

void Nemesis::run_kind(FaultKind kind, std::int64_t until_ns) {
  // Each kind draws from its own stream: turning one kind on or off leaves
  // the others' schedules exactly as they were.
  sim::Prng random = random_.split(fault_kind_name(kind));
  const auto mean_gap_ns = static_cast<std::int64_t>(1e9 / mix_.rate(kind));
  while (!healed_) {
    const std::int64_t gap_ns = sim::exponential_draw(random.next_u64(), mean_gap_ns);
    host_.sleep_for(gap_ns);
    if (healed_ || host_.now_ns() >= until_ns) return;
    // Untargeted scenarios draw nothing extra: their schedules stay as they were.
    Aim aim;
    if (targetable(kind) && mix_.targeted > 0 && random.chance(mix_.targeted)) {
      aim = choose_aim(kind, random, look());  // asking takes simulated time
      if (!aim.more_nodes.empty()) wait_for_acknowledgement(until_ns);
      if (healed_ || host_.now_ns() >= until_ns) return;
    }
    ScriptedFault fault = draw(kind, random, aim);
    fault.duration_ns = std::min(fault.duration_ns, until_ns - host_.now_ns());
    const std::size_t event = apply(fault);
    host_.sleep_for(fault.duration_ns);
    if (!healed_) heal(event);
  }
}

// Polls at a fine grain for a short while: a workload acknowledges writes
// every few milliseconds, and a crash that waits longer is a random one.
void Nemesis::wait_for_acknowledgement(std::int64_t until_ns) {
  constexpr std::int64_t kPollNs = 20 * kNanosecondsPerMicrosecond;
  constexpr std::int64_t kWaitNsMax = 200 * kNanosecondsPerMillisecond;
  if (!hooks_.acknowledged_writes) return;
  const std::uint64_t before = hooks_.acknowledged_writes();
  const std::int64_t give_up_ns = std::min(until_ns, host_.now_ns() + kWaitNsMax);
  while (!healed_ && host_.now_ns() < give_up_ns && hooks_.acknowledged_writes() == before) {
    host_.sleep_for(kPollNs);
  }
}

std::vector<NodeId> Nemesis::node_ids() const {
  std::vector<NodeId> ids;
  for (NodeId id = kFirstNodeId; id < kFirstNodeId + host_.node_count(); ++id) ids.push_back(id);
  return ids;
}

ClusterView Nemesis::look() const {
  ClusterView view;
  if (hooks_.probe) view.nodes = hooks_.probe();
  view.client_node = host_.last_client_node();
  return view;
}

// The roles a kind of fault aims at: partitions and pauses the leader (or
// the node clients last talked to, which stays with a cut-off leader);
// crashes the leader, the longest log (Raft's Figure 8 needs its holder
// gone), a majority or every node at once (each losing its unsynced
// writes); clock faults the leader, whose lease they stretch.
Aim Nemesis::choose_aim(FaultKind kind, sim::Prng& random, const ClusterView& view) const {
  Aim aim;
  const std::uint32_t nodes = host_.node_count();
  const auto leader_or_client = [&](Aim& into) {
    const auto leader = view.leader();
    into.target = leader ? "leader" : "client-node";
    into.node = leader ? *leader : view.client_node;
  };
  if (kind == FaultKind::crash) {
    // The leader, the longest log, a majority and every node at once: a
    // quarter each (one of the last two loses every unsynced write).
    const std::uint64_t choice = random.below(4);
    if (choice == 1 && view.longest_log()) {
      aim.target = "longest-log";
      aim.node = *view.longest_log();
      return aim;
    }
    if (choice >= 2 && nodes >= 2) {
      std::vector<NodeId> order = node_ids();
      for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[random.below(i)]);
      const std::size_t count = choice == 2 ? nodes / 2 + 1 : nodes;
      aim.target = choice == 2 ? "majority" : "all";
      aim.node = order[0];
      aim.more_nodes.assign(order.begin() + 1, order.begin() + static_cast<std::ptrdiff_t>(count));
      return aim;
    }
  }
  const bool client =
      (kind == FaultKind::partition || kind == FaultKind::pause) && random.chance(0.25);
  if (client && view.client_node != kNoNode) {
    aim.target = "client-node";
    aim.node = view.client_node;
    return aim;
  }
  leader_or_client(aim);
  return aim;
}

// The aimed node, or a random one when the fault is not aimed (or its
// target could not be found).
NodeId Nemesis::pick_node(sim::Prng& random, const Aim& aim) const {
  const auto drawn = static_cast<NodeId>(kFirstNodeId + random.below(host_.node_count()));
  return host_.is_node(aim.node) ? aim.node : drawn;
}

// A fault of `kind` starting now, for a random duration up to the mix's cap.
ScriptedFault Nemesis::fresh_fault(FaultKind kind, sim::Prng& random) const {
  ScriptedFault fault;
  fault.kind = kind;
  fault.at_ns = host_.now_ns();
  fault.duration_ns = random.between(mix_.duration_ms_max / 10 + 1, mix_.duration_ms_max) *
                      kNanosecondsPerMillisecond;
  return fault;
}

ScriptedFault Nemesis::draw(FaultKind kind, sim::Prng& random, const Aim& aim) {
  const std::uint32_t nodes = host_.node_count();
  const double strength = std::clamp(mix_.strength(kind), 0.0, 1.0);
  ScriptedFault fault = fresh_fault(kind, random);
  switch (kind) {
    case FaultKind::partition:
      return draw_partition(random, aim);
    case FaultKind::crash:
    case FaultKind::pause:
    case FaultKind::enospc:
      fault.node = pick_node(random, aim);
      if (kind == FaultKind::crash && host_.is_node(aim.node)) {
        fault.more_nodes = aim.more_nodes;
        // Several nodes at once is Jepsen's LazyFS nemesis: each loses
        // every write it had not synced.
        if (!aim.more_nodes.empty()) fault.mode = "lose-unsynced";
      }
      break;
    case FaultKind::clock:
      return draw_clock(random, strength, aim);
    case FaultKind::packet:
      return draw_packet(random, strength);
    case FaultKind::clog: {
      const auto from = static_cast<NodeId>(random.below(nodes));
      const auto to =
          static_cast<NodeId>((from + 1 + random.below(nodes - 1)) % nodes);  // 0-based here
      fault.links = {{from + kFirstNodeId, to + kFirstNodeId}};
      break;
    }
    case FaultKind::disk:
      return draw_disk(random, strength);
    case FaultKind::disk_loss:
      return draw_disk_loss(random, aim);
    case FaultKind::offline:
      return draw_offline(random);
    case FaultKind::membership:
      return draw_membership(random, strength);
    case FaultKind::eio:
      fault.node = pick_node(random, aim);
      fault.read_error = strength * 0.2;
      fault.write_error = strength * 0.2;
      break;
  }
  if (host_.is_node(aim.node)) fault.target = aim.target;
  return fault;
}

ScriptedFault Nemesis::draw_partition(sim::Prng& random, const Aim& aim) {
  ScriptedFault fault = fresh_fault(FaultKind::partition, random);
  if (mix_.regions.size() >= 2 && random.below(2) == 0) return region_partition(fault, random);
  const auto& shapes = mix_.partition_shapes;
  const PartitionShape shape = shapes.empty()
                                   ? static_cast<PartitionShape>(random.below(kPartitionShapeCount))
                                   : shapes[random.below(shapes.size())];
  fault.shape = std::string(partition_shape_name(shape));
  const NodeId focus = host_.is_node(aim.node) ? aim.node : kNoNode;
  fault.links = partition_links(shape, host_.node_count(), random, focus);
  if (focus != kNoNode) fault.target = aim.target;
  return fault;
}

// One region cut off from the others, both ways (no draw without regions,
// so a scenario without them draws as it always did), for up to twice as
// long as other faults: a data centre's lost link outlasts a node's crash.
ScriptedFault Nemesis::region_partition(ScriptedFault fault, sim::Prng& random) {
  const auto& regions = mix_.regions;
  const std::size_t cut = random.below(regions.size());
  fault.shape = "region";
  fault.duration_ns *= 2;
  for (const NodeId inside : regions[cut]) {
    for (std::size_t other = 0; other < regions.size(); ++other) {
      if (other == cut) continue;
      for (const NodeId outside : regions[other]) {
        fault.links.emplace_back(inside, outside);
        fault.links.emplace_back(outside, inside);
      }
    }
  }
  return fault;
}

ScriptedFault Nemesis::draw_membership(sim::Prng& random, double strength) {
  ScriptedFault fault = fresh_fault(FaultKind::membership, random);
  fault.node = static_cast<NodeId>(kFirstNodeId + random.below(host_.node_count()));
  // Transfers move leadership under load; removals shrink the quorum until
  // the heal re-adds the node. The intensity is the share of removals
  // (intensity 0: leader transfers only).
  fault.mode = random.unit() < strength ? "remove" : "transfer";
  // A third of removals race a second one, as two operators (or an operator
  // and an autoscaler) would; the draw happens either way so the rest of
  // the fault stream does not shift.
  const bool racing = random.chance(1.0 / 3);
  const auto other = static_cast<NodeId>(kFirstNodeId + random.below(host_.node_count()));
  if (fault.mode == "remove" && racing && other != fault.node && host_.node_count() >= 3) {
    fault.more_nodes = {other};
  }
  return fault;
}

// Admin actions wait on the system's replies, so they get a fiber of their
// own: scripted faults start from timer callbacks, and a rate fiber must keep
// its schedule whatever the system answers.
void Nemesis::spawn_admin(const ScriptedFault& fault) {
  if (!hooks_.admin) return;
  host_.spawn(fmt::format("nemesis-admin-{}-n{}", fault.mode, fault.node),
              [this, fault] { hooks_.admin(fault); });
}

ScriptedFault Nemesis::draw_clock(sim::Prng& random, double strength, const Aim& aim) {
  ScriptedFault fault = fresh_fault(FaultKind::clock, random);
  fault.node = pick_node(random, aim);
  if (host_.is_node(aim.node)) fault.target = aim.target;
  // A random subset of nodes, as Jepsen's clock nemesis bumps and strobes:
  // each other node joins with probability one half.
  for (NodeId other = kFirstNodeId; other < kFirstNodeId + host_.node_count(); ++other) {
    if (random.chance(0.5) && other != fault.node) fault.more_nodes.push_back(other);
  }
  const std::uint64_t choice = random.below(3);
  if (choice == 0) {
    fault.mode = "jump";
    fault.amount = static_cast<std::int64_t>(strength * 10e9 * (2 * random.unit() - 1));
  } else if (choice == 1) {
    fault.mode = "drift";
    fault.amount = static_cast<std::int64_t>(strength * kClockDriftPerIntensity * 1e6 *
                                             (2 * random.unit() - 1));
  } else {
    fault.mode = "strobe";
    fault.amount = static_cast<std::int64_t>(strength * 5e9 * random.unit()) + 1;
    fault.period_ns = random.between(1, 200) * kNanosecondsPerMillisecond;
  }
  return fault;
}

ScriptedFault Nemesis::draw_packet(sim::Prng& random, double strength) {
  ScriptedFault fault = fresh_fault(FaultKind::packet, random);
  fault.loss = strength * 0.3 * random.unit();
  fault.duplicate = strength * 0.2 * random.unit();
  fault.reorder = strength * 0.3 * random.unit();
  fault.corrupt = strength * 0.05 * random.unit();
  fault.latency_shape = 1.1 + random.unit();
  return fault;
}

ScriptedFault Nemesis::draw_disk(sim::Prng& random, double strength) {
  (void)strength;  // a flip is one bit and a stall is total: neither has a strength
  ScriptedFault fault = fresh_fault(FaultKind::disk, random);
  fault.node = static_cast<NodeId>(kFirstNodeId + random.below(host_.node_count()));
  const auto files = host_.disk_files(fault.node);
  fault.mode = "stall";
  if (random.chance(0.5) && !files.empty()) {
    // Drawn before the budget is asked, so a flip it turns into a stall
    // leaves the rest of the fault stream where it was.
    const std::string& file = files[random.below(files.size())];
    const bool within_budget =
        damaged_disks_.contains(fault.node) || damaged_disks_.size() < mix_.damaged_disks_max;
    if (within_budget) {
      damaged_disks_.insert(fault.node);
      fault.mode = "flip";
      fault.file = file;
    }
  }
  return fault;
}

// A node loses its disk only while the lost disks stay within the
// system's tolerance; past it the node just crashes (drawn the same way,
// so the fault stream does not shift).
ScriptedFault Nemesis::draw_disk_loss(sim::Prng& random, const Aim& aim) {
  ScriptedFault fault = fresh_fault(FaultKind::disk_loss, random);
  fault.node = pick_node(random, aim);
  // An offline replica's disk holds its offline writes alone: its machine
  // is never replaced. The next server takes the loss instead.
  while (std::find(mix_.offline_nodes.begin(), mix_.offline_nodes.end(), fault.node) !=
         mix_.offline_nodes.end()) {
    fault.node = fault.node % host_.node_count() + kFirstNodeId;
  }
  const bool within_budget =
      lost_disks_.contains(fault.node) || lost_disks_.size() < mix_.lost_disks_max;
  if (within_budget) {
    lost_disks_.insert(fault.node);
  } else {
    fault.kind = FaultKind::crash;
  }
  return fault;
}

// A client's device goes offline: cut off from every other node, both
// ways, for three times as long as other faults (a phone on a long flight).
ScriptedFault Nemesis::draw_offline(sim::Prng& random) {
  ScriptedFault fault = fresh_fault(FaultKind::offline, random);
  fault.node = mix_.offline_nodes[random.below(mix_.offline_nodes.size())];
  fault.duration_ns *= 3;
  for (NodeId other = kFirstNodeId; other < kFirstNodeId + host_.node_count(); ++other) {
    if (other == fault.node) continue;
    fault.links.emplace_back(fault.node, other);
    fault.links.emplace_back(other, fault.node);
  }
  return fault;
}

std::size_t Nemesis::apply(const ScriptedFault& fault) {
  std::string detail = fault.describe();
  if (fault.kind == FaultKind::membership) {
    for (NodeId target : fault.targets()) {
      if (!host_.is_node(target)) continue;
      ScriptedFault one = fault;
      one.node = target;
      one.more_nodes.clear();
      spawn_admin(one);
    }
  } else {
    detail += host_.apply(fault, timeline_.size());
  }
  ScriptedFault recorded = fault;
  recorded.at_ns = host_.now_ns();
  host_.log(fmt::format("{:>15} NEMESIS start {}", host_.now_ns(), detail));
  timeline_.push_back(FaultEvent{std::move(recorded), std::move(detail), -1});
  return timeline_.size() - 1;
}

void Nemesis::heal(std::size_t index) {
  FaultEvent& event = timeline_[index];
  if (event.end_ns >= 0) return;
  event.end_ns = host_.now_ns();
  const ScriptedFault& fault = event.fault;
  host_.log(fmt::format("{:>15} NEMESIS heal {}", host_.now_ns(), event.detail));
  if (fault.kind != FaultKind::membership) {
    host_.heal(fault);
    return;
  }
  if (fault.mode != "remove") return;
  for (NodeId target : fault.targets()) {
    if (!host_.is_node(target)) continue;
    ScriptedFault re_add = fault;
    re_add.mode = "add";
    re_add.node = target;
    re_add.more_nodes.clear();
    spawn_admin(re_add);
  }
}

void Nemesis::heal_all() {
  healed_ = true;
  for (std::size_t index = 0; index < timeline_.size(); ++index) heal(index);
  host_.heal_everything();
}

}  // namespace simlab::faults

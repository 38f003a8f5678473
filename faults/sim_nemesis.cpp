#include "faults/sim_nemesis.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/integer_math.h"

namespace simlab::faults {

namespace {

bool targetable(FaultKind kind) {
  return kind == FaultKind::partition || kind == FaultKind::crash || kind == FaultKind::pause ||
         kind == FaultKind::clock;
}

}  // namespace

SimNemesis::SimNemesis(sim::Simulator& simulator, FaultMix mix, std::vector<ScriptedFault> script,
                       NemesisHooks hooks)
    : simulator_(simulator),
      mix_(std::move(mix)),
      script_(std::move(script)),
      hooks_(std::move(hooks)),
      random_(simulator.stream("nemesis")) {}

void SimNemesis::start(std::int64_t until_ns) {
  for (std::size_t index = 0; index < kFaultKindCount; ++index) {
    const auto kind = static_cast<FaultKind>(index);
    if (mix_.rate(kind) <= 0) continue;
    simulator_.spawn(fmt::format("nemesis-{}", fault_kind_name(kind)),
                     [this, kind, until_ns] { run_kind(kind, until_ns); });
  }
  for (const ScriptedFault& fault : script_) {
    if (fault.at_ns >= until_ns) continue;
    const std::int64_t end_ns = std::min(fault.at_ns + fault.duration_ns, until_ns);
    simulator_.at(fault.at_ns, [this, fault, end_ns] {
      if (healed_) return;
      const std::size_t event = apply(fault);
      simulator_.at(end_ns, [this, event] {
        if (!healed_) heal(event);
      });
    });
  }
}

void SimNemesis::run_kind(FaultKind kind, std::int64_t until_ns) {
  // Each kind draws from its own stream: turning one kind on or off leaves
  // the others' schedules exactly as they were.
  sim::Prng random = random_.split(fault_kind_name(kind));
  const auto mean_gap_ns = static_cast<std::int64_t>(1e9 / mix_.rate(kind));
  while (!healed_) {
    const std::int64_t gap_ns = sim::exponential_draw(random.next_u64(), mean_gap_ns);
    simulator_.sleep_for(gap_ns);
    if (healed_ || simulator_.now_ns() >= until_ns) return;
    // Untargeted scenarios draw nothing extra: their schedules stay as they were.
    Aim aim;
    if (targetable(kind) && mix_.targeted > 0 && random.chance(mix_.targeted)) {
      aim = choose_aim(kind, random, look());  // asking takes simulated time
      if (!aim.more_nodes.empty()) wait_for_acknowledgement(until_ns);
      if (healed_ || simulator_.now_ns() >= until_ns) return;
    }
    ScriptedFault fault = draw(kind, random, aim);
    fault.duration_ns = std::min(fault.duration_ns, until_ns - simulator_.now_ns());
    const std::size_t event = apply(fault);
    simulator_.sleep_for(fault.duration_ns);
    if (!healed_) heal(event);
  }
}

// Polls at a fine grain for a short while: a workload acknowledges writes
// every few milliseconds, and a crash that waits longer is a random one.
void SimNemesis::wait_for_acknowledgement(std::int64_t until_ns) {
  constexpr std::int64_t kPollNs = 20 * kNanosecondsPerMicrosecond;
  constexpr std::int64_t kWaitNsMax = 200 * kNanosecondsPerMillisecond;
  if (!hooks_.acknowledged_writes) return;
  const std::uint64_t before = hooks_.acknowledged_writes();
  const std::int64_t give_up_ns = std::min(until_ns, simulator_.now_ns() + kWaitNsMax);
  while (!healed_ && simulator_.now_ns() < give_up_ns && hooks_.acknowledged_writes() == before) {
    simulator_.sleep_for(kPollNs);
  }
}

ClusterView SimNemesis::look() const {
  ClusterView view;
  if (hooks_.probe) view.nodes = hooks_.probe();
  view.client_node = simulator_.last_client_node();
  return view;
}

// The roles a kind of fault aims at: partitions and pauses the leader (or
// the node clients last talked to, which stays with a cut-off leader);
// crashes the leader, the longest log (Raft's Figure 8 needs its holder
// gone), a majority or every node at once (each losing its unsynced
// writes); clock faults the leader, whose lease they stretch.
Aim SimNemesis::choose_aim(FaultKind kind, sim::Prng& random, const ClusterView& view) const {
  Aim aim;
  const std::uint32_t nodes = simulator_.node_count();
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
      std::vector<NodeId> order = simulator_.node_ids();
      for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[random.below(i)]);
      const std::size_t count = choice == 2 ? nodes / 2 + 1 : nodes;
      aim.target = choice == 2 ? "majority" : "all";
      aim.node = order[0];
      aim.more_nodes.assign(order.begin() + 1, order.begin() + static_cast<std::ptrdiff_t>(count));
      return aim;
    }
  }
  const bool client = (kind == FaultKind::partition || kind == FaultKind::pause) && random.chance(0.25);
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
NodeId SimNemesis::pick_node(sim::Prng& random, const Aim& aim) const {
  const auto drawn = static_cast<NodeId>(kFirstNodeId + random.below(simulator_.node_count()));
  return simulator_.is_node(aim.node) ? aim.node : drawn;
}

// A fault of `kind` starting now, for a random duration up to the mix's cap.
ScriptedFault SimNemesis::fresh_fault(FaultKind kind, sim::Prng& random) const {
  ScriptedFault fault;
  fault.kind = kind;
  fault.at_ns = simulator_.now_ns();
  fault.duration_ns = random.between(mix_.duration_ms_max / 10 + 1, mix_.duration_ms_max) * kNanosecondsPerMillisecond;
  return fault;
}

ScriptedFault SimNemesis::draw(FaultKind kind, sim::Prng& random, const Aim& aim) {
  const std::uint32_t nodes = simulator_.node_count();
  const double strength = std::clamp(mix_.strength(kind), 0.0, 1.0);
  ScriptedFault fault = fresh_fault(kind, random);
  switch (kind) {
    case FaultKind::partition: return draw_partition(random, aim);
    case FaultKind::crash:
    case FaultKind::pause:
    case FaultKind::enospc:
      fault.node = pick_node(random, aim);
      if (kind == FaultKind::crash && simulator_.is_node(aim.node)) {
        fault.more_nodes = aim.more_nodes;
        // Several nodes at once is Jepsen's LazyFS nemesis: each loses
        // every write it had not synced.
        if (!aim.more_nodes.empty()) fault.mode = "lose-unsynced";
      }
      break;
    case FaultKind::clock: return draw_clock(random, strength, aim);
    case FaultKind::packet: return draw_packet(random, strength);
    case FaultKind::clog: {
      const auto from = static_cast<NodeId>(random.below(nodes));
      const auto to = static_cast<NodeId>((from + 1 + random.below(nodes - 1)) % nodes);  // 0-based here
      fault.links = {{from + kFirstNodeId, to + kFirstNodeId}};
      break;
    }
    case FaultKind::disk: return draw_disk(random, strength);
    case FaultKind::membership: return draw_membership(random, strength);
    case FaultKind::eio:
      fault.node = pick_node(random, aim);
      fault.read_error = strength * 0.2;
      fault.write_error = strength * 0.2;
      break;
  }
  if (simulator_.is_node(aim.node)) fault.target = aim.target;
  return fault;
}

ScriptedFault SimNemesis::draw_partition(sim::Prng& random, const Aim& aim) {
  ScriptedFault fault = fresh_fault(FaultKind::partition, random);
  const auto& shapes = mix_.partition_shapes;
  const PartitionShape shape = shapes.empty() ? static_cast<PartitionShape>(random.below(kPartitionShapeCount))
                                              : shapes[random.below(shapes.size())];
  fault.shape = std::string(partition_shape_name(shape));
  const NodeId focus = simulator_.is_node(aim.node) ? aim.node : kNoNode;
  fault.links = partition_links(shape, simulator_.node_count(), random, focus);
  if (focus != kNoNode) fault.target = aim.target;
  return fault;
}

ScriptedFault SimNemesis::draw_membership(sim::Prng& random, double strength) {
  ScriptedFault fault = fresh_fault(FaultKind::membership, random);
  fault.node = static_cast<NodeId>(kFirstNodeId + random.below(simulator_.node_count()));
  // Transfers move leadership under load; removals shrink the quorum until
  // the heal re-adds the node. The intensity is the share of removals
  // (intensity 0: leader transfers only).
  fault.mode = random.unit() < strength ? "remove" : "transfer";
  // A third of removals race a second one, as two operators (or an operator
  // and an autoscaler) would; the draw happens either way so the rest of
  // the fault stream does not shift.
  const bool racing = random.chance(1.0 / 3);
  const auto other = static_cast<NodeId>(kFirstNodeId + random.below(simulator_.node_count()));
  if (fault.mode == "remove" && racing && other != fault.node && simulator_.node_count() >= 3) {
    fault.more_nodes = {other};
  }
  return fault;
}

// Admin actions wait on the system's replies, so they get a fiber of their
// own: scripted faults start from timer callbacks, and a rate fiber must keep
// its schedule whatever the system answers.
void SimNemesis::spawn_admin(const ScriptedFault& fault) {
  if (!hooks_.admin) return;
  simulator_.spawn(fmt::format("nemesis-admin-{}-n{}", fault.mode, fault.node),
                   [this, fault] { hooks_.admin(fault); });
}

ScriptedFault SimNemesis::draw_clock(sim::Prng& random, double strength, const Aim& aim) {
  ScriptedFault fault = fresh_fault(FaultKind::clock, random);
  fault.node = pick_node(random, aim);
  if (simulator_.is_node(aim.node)) fault.target = aim.target;
  // A random subset of nodes, as Jepsen's clock nemesis bumps and strobes:
  // each other node joins with probability one half.
  for (NodeId other = kFirstNodeId; other < kFirstNodeId + simulator_.node_count(); ++other) {
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

ScriptedFault SimNemesis::draw_packet(sim::Prng& random, double strength) {
  ScriptedFault fault = fresh_fault(FaultKind::packet, random);
  fault.loss = strength * 0.3 * random.unit();
  fault.duplicate = strength * 0.2 * random.unit();
  fault.reorder = strength * 0.3 * random.unit();
  fault.corrupt = strength * 0.05 * random.unit();
  fault.latency_shape = 1.1 + random.unit();
  return fault;
}

ScriptedFault SimNemesis::draw_disk(sim::Prng& random, double strength) {
  (void)strength;  // a flip is one bit and a stall is total: neither has a strength
  ScriptedFault fault = fresh_fault(FaultKind::disk, random);
  fault.node = static_cast<NodeId>(kFirstNodeId + random.below(simulator_.node_count()));
  const auto files = simulator_.disk(fault.node).files();
  if (random.chance(0.5) && !files.empty()) {
    fault.mode = "flip";
    fault.file = files[random.below(files.size())];
  } else {
    fault.mode = "stall";
  }
  return fault;
}

std::size_t SimNemesis::apply(const ScriptedFault& fault) {
  std::string detail = fault.describe();
  const bool node_ok = simulator_.is_node(fault.node);
  switch (fault.kind) {
    case FaultKind::partition:
      for (const auto& [from, to] : fault.links) {
        if (simulator_.is_node(from) && simulator_.is_node(to)) simulator_.network().block(from, to);
      }
      break;
    case FaultKind::crash: detail += apply_crash(fault); break;
    case FaultKind::pause:
      if (node_ok) simulator_.pause(fault.node, fault.duration_ns);
      break;
    case FaultKind::clock:
      for (NodeId target : fault.targets()) {
        if (!simulator_.is_node(target)) continue;
        sim::NodeClock& clock = simulator_.clock(target);
        if (fault.mode == "jump") clock.jump(simulator_.now_ns(), fault.amount);
        if (fault.mode == "drift") clock.set_drift(simulator_.now_ns(), fault.amount);
        if (fault.mode == "strobe") clock.start_strobe(fault.amount, fault.period_ns);
      }
      break;
    case FaultKind::packet: {
      sim::LinkFaults faults;
      faults.loss = fault.loss;
      faults.duplicate = fault.duplicate;
      faults.reorder = fault.reorder;
      faults.corrupt = fault.corrupt;
      if (fault.latency_shape > 0) faults.latency = sim::LatencyModel::pareto(200'000, fault.latency_shape, 500'000'000);
      simulator_.network().set_all_faults(faults);
      break;
    }
    case FaultKind::clog:
      if (!fault.links.empty() && simulator_.is_node(fault.links[0].first) && simulator_.is_node(fault.links[0].second)) {
        simulator_.network().clog(fault.links[0].first, fault.links[0].second, simulator_.now_ns() + fault.duration_ns);
      }
      break;
    case FaultKind::disk:
    case FaultKind::eio:
    case FaultKind::enospc:
      if (node_ok) apply_disk(fault);
      break;
    case FaultKind::membership:
      for (NodeId target : fault.targets()) {
        if (!simulator_.is_node(target)) continue;
        ScriptedFault one = fault;
        one.node = target;
        one.more_nodes.clear();
        spawn_admin(one);
      }
      break;
  }
  ScriptedFault recorded = fault;
  recorded.at_ns = simulator_.now_ns();
  simulator_.trace().line(fmt::format("{:>15} NEMESIS start {}", simulator_.now_ns(), detail));
  timeline_.push_back(FaultEvent{std::move(recorded), std::move(detail), -1});
  return timeline_.size() - 1;
}

// Every target at the same instant: a crash of several nodes loses each
// one's unsynced writes together, which no sequence of single crashes does.
std::string SimNemesis::apply_crash(const ScriptedFault& fault) {
  std::size_t lost = 0, unsynced = 0;
  for (NodeId target : fault.targets()) {
    if (!simulator_.is_node(target)) continue;
    const sim::CrashOutcome outcome = simulator_.crash(target, fault.mode == "lose-unsynced");
    for (const auto& write : outcome.writes) lost += write.fate != sim::CrashOutcome::Fate::kept;
    unsynced += outcome.writes.size();
  }
  return fmt::format(" ({} of {} unsynced writes lost or torn)", lost, unsynced);
}

void SimNemesis::apply_disk(const ScriptedFault& fault) {
  sim::DiskFaults& faults = simulator_.disk(fault.node).faults();
  if (fault.kind == FaultKind::disk && fault.mode == "flip") {
    sim::Prng flip = random_.split("disk-flip", timeline_.size());
    simulator_.disk(fault.node).flip_bit(fault.file, flip);
  }
  if (fault.kind == FaultKind::disk && fault.mode == "stall") {
    faults.stall_until_ns = simulator_.now_ns() + fault.duration_ns;
  }
  if (fault.kind == FaultKind::eio) {
    faults.read_error = fault.read_error;
    faults.write_error = fault.write_error;
  }
  if (fault.kind == FaultKind::enospc) faults.full = true;
}

// Only what this fault did: kinds overlap, so a stall ending must not end
// another fault's full disk.
void SimNemesis::heal_disk(const ScriptedFault& fault) {
  sim::DiskFaults& faults = simulator_.disk(fault.node).faults();
  if (fault.kind == FaultKind::disk && fault.mode == "stall") faults.stall_until_ns = 0;
  if (fault.kind == FaultKind::eio) faults.read_error = faults.write_error = 0;
  if (fault.kind == FaultKind::enospc) faults.full = false;
}

void SimNemesis::heal(std::size_t index) {
  FaultEvent& event = timeline_[index];
  if (event.end_ns >= 0) return;
  event.end_ns = simulator_.now_ns();
  const ScriptedFault& fault = event.fault;
  simulator_.trace().line(fmt::format("{:>15} NEMESIS heal {}", simulator_.now_ns(), event.detail));
  if (fault.kind != FaultKind::partition && fault.kind != FaultKind::packet && fault.kind != FaultKind::clog &&
      !simulator_.is_node(fault.node)) {
    return;
  }
  switch (fault.kind) {
    case FaultKind::partition:
      for (const auto& [from, to] : fault.links) {
        if (simulator_.is_node(from) && simulator_.is_node(to)) simulator_.network().unblock(from, to);
      }
      break;
    case FaultKind::crash:
      for (NodeId target : fault.targets()) {
        if (simulator_.is_node(target)) simulator_.restart(target);
      }
      break;
    case FaultKind::pause: break;  // ends by itself
    case FaultKind::clock:
      for (NodeId target : fault.targets()) {
        if (simulator_.is_node(target)) simulator_.clock(target).reset(simulator_.now_ns());
      }
      break;
    case FaultKind::packet: simulator_.network().set_all_faults({}); break;
    case FaultKind::clog:
      if (simulator_.is_node(fault.links[0].first) && simulator_.is_node(fault.links[0].second)) {
        simulator_.network().clog(fault.links[0].first, fault.links[0].second, 0);
      }
      break;
    case FaultKind::disk:
    case FaultKind::eio:
    case FaultKind::enospc: heal_disk(fault); break;
    case FaultKind::membership:
      if (fault.mode == "remove") {
        for (NodeId target : fault.targets()) {
          if (!simulator_.is_node(target)) continue;
          ScriptedFault re_add = fault;
          re_add.mode = "add";
          re_add.node = target;
          re_add.more_nodes.clear();
          spawn_admin(re_add);
        }
      }
      break;
  }
}

void SimNemesis::heal_all() {
  healed_ = true;
  for (std::size_t index = 0; index < timeline_.size(); ++index) heal(index);
  simulator_.network().heal_all();
  for (NodeId node : simulator_.node_ids()) {
    simulator_.disk(node).heal();
    simulator_.clock(node).reset(simulator_.now_ns());
    simulator_.restart(node);
  }
}

}  // namespace simlab::faults

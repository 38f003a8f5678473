#include "faults/sim_nemesis.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace simlab::faults {

SimNemesis::SimNemesis(sim::Simulator& simulator, FaultMix mix, std::vector<ScriptedFault> script,
                       AdminAction admin)
    : simulator_(simulator),
      mix_(std::move(mix)),
      script_(std::move(script)),
      admin_(std::move(admin)),
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
  const double mean_gap_ns = 1e9 / mix_.rate(kind);
  while (!healed_) {
    const auto gap_ns = static_cast<std::int64_t>(-std::log(1.0 - random.unit()) * mean_gap_ns);
    simulator_.sleep_for(gap_ns);
    if (healed_ || simulator_.now_ns() >= until_ns) return;
    ScriptedFault fault = draw(kind, random);
    fault.duration_ns = std::min(fault.duration_ns, until_ns - simulator_.now_ns());
    const std::size_t event = apply(fault);
    simulator_.sleep_for(fault.duration_ns);
    if (!healed_) heal(event);
  }
}

// A fault of `kind` starting now, for a random duration up to the mix's cap.
ScriptedFault SimNemesis::fresh_fault(FaultKind kind, sim::Prng& random) const {
  ScriptedFault fault;
  fault.kind = kind;
  fault.at_ns = simulator_.now_ns();
  fault.duration_ns = random.between(mix_.duration_ms_max / 10 + 1, mix_.duration_ms_max) * kNanosecondsPerMillisecond;
  return fault;
}

ScriptedFault SimNemesis::draw(FaultKind kind, sim::Prng& random) {
  const std::uint32_t nodes = simulator_.node_count();
  const double strength = std::clamp(mix_.strength(kind), 0.0, 1.0);
  ScriptedFault fault = fresh_fault(kind, random);
  switch (kind) {
    case FaultKind::partition: {
      const auto& shapes = mix_.partition_shapes;
      const PartitionShape shape = shapes.empty() ? static_cast<PartitionShape>(random.below(kPartitionShapeCount))
                                                  : shapes[random.below(shapes.size())];
      fault.shape = std::string(partition_shape_name(shape));
      fault.links = partition_links(shape, nodes, random);
      return fault;
    }
    case FaultKind::crash:
    case FaultKind::pause:
      fault.node = static_cast<NodeId>(kFirstNodeId + random.below(nodes));
      return fault;
    case FaultKind::clock: return draw_clock(random, strength);
    case FaultKind::packet: return draw_packet(random, strength);
    case FaultKind::clog: {
      const auto from = static_cast<NodeId>(random.below(nodes));
      const auto to = static_cast<NodeId>((from + 1 + random.below(nodes - 1)) % nodes);  // 0-based here
      fault.links = {{from + kFirstNodeId, to + kFirstNodeId}};
      return fault;
    }
    case FaultKind::disk: return draw_disk(random, strength);
    case FaultKind::membership: return draw_membership(random, strength);
  }
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
  if (!admin_) return;
  simulator_.spawn(fmt::format("nemesis-admin-{}-n{}", fault.mode, fault.node), [this, fault] { admin_(fault); });
}

ScriptedFault SimNemesis::draw_clock(sim::Prng& random, double strength) {
  ScriptedFault fault = fresh_fault(FaultKind::clock, random);
  fault.node = static_cast<NodeId>(kFirstNodeId + random.below(simulator_.node_count()));
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
  ScriptedFault fault = fresh_fault(FaultKind::disk, random);
  fault.node = static_cast<NodeId>(kFirstNodeId + random.below(simulator_.node_count()));
  const std::uint64_t choice = random.below(3);
  const auto files = simulator_.disk(fault.node).files();
  if (choice == 0 && !files.empty()) {
    fault.mode = "flip";
    fault.file = files[random.below(files.size())];
  } else if (choice == 1) {
    fault.mode = "eio";
    fault.read_error = strength * 0.2;
    fault.write_error = strength * 0.1;
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
    case FaultKind::crash:
      if (node_ok) {
        const sim::CrashOutcome outcome = simulator_.crash(fault.node);
        std::size_t lost = 0;
        for (const auto& write : outcome.writes) lost += write.fate != sim::CrashOutcome::Fate::kept;
        detail += fmt::format(" ({} of {} unsynced writes lost or torn)", lost, outcome.writes.size());
      }
      break;
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
      if (!node_ok) break;
      if (fault.mode == "flip") {
        sim::Prng flip = random_.split("disk-flip", timeline_.size());
        simulator_.disk(fault.node).flip_bit(fault.file, flip);
      }
      if (fault.mode == "eio") {
        simulator_.disk(fault.node).faults().read_error = fault.read_error;
        simulator_.disk(fault.node).faults().write_error = fault.write_error;
      }
      if (fault.mode == "stall") simulator_.disk(fault.node).faults().stall_until_ns = simulator_.now_ns() + fault.duration_ns;
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
    case FaultKind::crash: simulator_.restart(fault.node); break;
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
    case FaultKind::disk: simulator_.disk(fault.node).heal(); break;
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

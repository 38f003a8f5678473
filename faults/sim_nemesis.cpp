#include "faults/sim_nemesis.h"

#include <cmath>

#include <fmt/format.h>

namespace simlab::faults {

SimNemesis::SimNemesis(sim::Simulator& simulator, FaultMix mix)
    : simulator_(simulator), mix_(std::move(mix)), random_(simulator.stream("nemesis")) {}

void SimNemesis::start(std::int64_t until_ns) {
  for (std::size_t index = 0; index < kFaultKindCount; ++index) {
    const auto kind = static_cast<FaultKind>(index);
    if (mix_.rate(kind) <= 0) continue;
    simulator_.spawn(fmt::format("nemesis-{}", fault_kind_name(kind)),
                     [this, kind, until_ns] { run_kind(kind, until_ns); });
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
    const std::size_t event = inject(kind, random);
    const std::int64_t hold_ns =
        random.between(mix_.duration_ms_max / 10 + 1, mix_.duration_ms_max) * kNanosecondsPerMillisecond;
    simulator_.sleep_for(std::min(hold_ns, until_ns - simulator_.now_ns()));
    if (!healed_) heal(event);
  }
}

std::size_t SimNemesis::record(FaultKind kind, std::string detail, std::vector<NodeId> nodes) {
  simulator_.trace().line(fmt::format("{:>15} NEMESIS start {}", simulator_.now_ns(), detail));
  timeline_.push_back(FaultEvent{kind, std::move(detail), std::move(nodes), simulator_.now_ns(), -1});
  return timeline_.size() - 1;
}

std::size_t SimNemesis::inject(FaultKind kind, sim::Prng& random) {
  const std::uint32_t nodes = simulator_.node_count();
  const double strength = std::clamp(mix_.strength(kind), 0.0, 1.0);
  switch (kind) {
    case FaultKind::partition: return inject_partition(random);
    case FaultKind::crash: {
      const auto node = static_cast<NodeId>(random.below(nodes));
      const sim::CrashOutcome outcome = simulator_.crash(node);
      std::size_t lost = 0;
      for (const auto& write : outcome.writes) lost += write.fate != sim::CrashOutcome::Fate::kept;
      return record(kind, fmt::format("crash n{} ({} of {} unsynced writes lost or torn)", node,
                                      lost, outcome.writes.size()),
                    {node});
    }
    case FaultKind::pause: {
      const auto node = static_cast<NodeId>(random.below(nodes));
      const std::int64_t pause_ns = random.between(1, mix_.duration_ms_max) * kNanosecondsPerMillisecond;
      simulator_.pause(node, pause_ns);
      return record(kind, fmt::format("pause n{} for {}ms", node, pause_ns / kNanosecondsPerMillisecond), {node});
    }
    case FaultKind::clock: return inject_clock(random, strength);
    case FaultKind::packet: return inject_packet(random, strength);
    case FaultKind::clog: {
      const auto from = static_cast<NodeId>(random.below(nodes));
      const auto to = static_cast<NodeId>((from + 1 + random.below(nodes - 1)) % nodes);
      const std::int64_t until_ns = simulator_.now_ns() + random.between(1, mix_.duration_ms_max) * kNanosecondsPerMillisecond;
      simulator_.network().clog(from, to, until_ns);
      return record(kind, fmt::format("clog n{}->n{}", from, to), {from, to});
    }
    case FaultKind::disk: return inject_disk(random, strength);
  }
  return record(kind, "unknown", {});
}

std::size_t SimNemesis::inject_partition(sim::Prng& random) {
  const auto& shapes = mix_.partition_shapes;
  const PartitionShape shape = shapes.empty()
                                   ? static_cast<PartitionShape>(random.below(kPartitionShapeCount))
                                   : shapes[random.below(shapes.size())];
  std::vector<NodeId> touched;
  for (const auto& [from, to] : partition_links(shape, simulator_.node_count(), random)) {
    simulator_.network().block(from, to);
    if (std::find(touched.begin(), touched.end(), from) == touched.end()) touched.push_back(from);
  }
  std::sort(touched.begin(), touched.end());
  return record(FaultKind::partition, fmt::format("partition {}", partition_shape_name(shape)), touched);
}

std::size_t SimNemesis::inject_clock(sim::Prng& random, double strength) {
  const auto node = static_cast<NodeId>(random.below(simulator_.node_count()));
  sim::NodeClock& clock = simulator_.clock(node);
  const std::int64_t now_ns = simulator_.now_ns();
  const std::uint64_t choice = random.below(3);
  if (choice == 0) {
    const auto delta_ns = static_cast<std::int64_t>(strength * 10e9 * (2 * random.unit() - 1));
    clock.jump(now_ns, delta_ns);
    return record(FaultKind::clock, fmt::format("clock jump n{} {:+}ms", node, delta_ns / kNanosecondsPerMillisecond), {node});
  }
  if (choice == 1) {
    const auto drift_ppm = static_cast<std::int64_t>(strength * 200'000 * (2 * random.unit() - 1));
    clock.set_drift(now_ns, drift_ppm);
    return record(FaultKind::clock, fmt::format("clock drift n{} {:+}ppm", node, drift_ppm), {node});
  }
  const auto delta_ns = static_cast<std::int64_t>(strength * 5e9 * random.unit()) + 1;
  clock.start_strobe(delta_ns, random.between(1, 200) * kNanosecondsPerMillisecond);
  return record(FaultKind::clock, fmt::format("clock strobe n{} {}ms", node, delta_ns / kNanosecondsPerMillisecond), {node});
}

std::size_t SimNemesis::inject_packet(sim::Prng& random, double strength) {
  sim::LinkFaults faults;
  faults.loss = strength * 0.3 * random.unit();
  faults.duplicate = strength * 0.2 * random.unit();
  faults.reorder = strength * 0.3 * random.unit();
  faults.corrupt = strength * 0.05 * random.unit();
  faults.latency = sim::LatencyModel::pareto(200'000, 1.1 + random.unit(), 500'000'000);
  simulator_.network().set_all_faults(faults);
  return record(FaultKind::packet,
                fmt::format("packet loss {:.0f}% dup {:.0f}% reorder {:.0f}% corrupt {:.1f}% long-tail latency",
                            faults.loss * 100, faults.duplicate * 100, faults.reorder * 100, faults.corrupt * 100),
                simulator_.node_ids());
}

std::size_t SimNemesis::inject_disk(sim::Prng& random, double strength) {
  const auto node = static_cast<NodeId>(random.below(simulator_.node_count()));
  sim::VirtualDisk& disk = simulator_.disk(node);
  const std::uint64_t choice = random.below(3);
  if (choice == 0) {
    const auto files = disk.files();
    if (!files.empty()) {
      const std::string& file = files[random.below(files.size())];
      disk.flip_bit(file, random);
      return record(FaultKind::disk, fmt::format("disk bit flip n{} {}", node, file), {node});
    }
  }
  if (choice == 1) {
    disk.faults().read_error = strength * 0.2;
    disk.faults().write_error = strength * 0.1;
    return record(FaultKind::disk, fmt::format("disk EIO n{}", node), {node});
  }
  disk.faults().stall_until_ns = simulator_.now_ns() + random.between(1, mix_.duration_ms_max) * kNanosecondsPerMillisecond;
  return record(FaultKind::disk, fmt::format("disk stall n{}", node), {node});
}

void SimNemesis::heal(std::size_t index) {
  FaultEvent& event = timeline_[index];
  if (event.end_ns >= 0) return;
  event.end_ns = simulator_.now_ns();
  simulator_.trace().line(fmt::format("{:>15} NEMESIS heal {}", simulator_.now_ns(), event.detail));
  const NodeId node = event.nodes.empty() ? 0 : event.nodes.front();
  switch (event.kind) {
    case FaultKind::partition: simulator_.network().heal_partitions(); break;
    case FaultKind::crash: simulator_.restart(node); break;
    case FaultKind::pause: break;  // ends by itself
    case FaultKind::clock: simulator_.clock(node).reset(simulator_.now_ns()); break;
    case FaultKind::packet: simulator_.network().set_all_faults({}); break;
    case FaultKind::clog: simulator_.network().clog(event.nodes[0], event.nodes[1], 0); break;
    case FaultKind::disk: simulator_.disk(node).heal(); break;
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

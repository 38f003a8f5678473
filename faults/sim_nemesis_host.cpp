#include "faults/sim_nemesis_host.h"

#include <fmt/format.h>

namespace simlab::faults {

std::string SimNemesisHost::apply(const ScriptedFault& fault, std::size_t index) {
  std::string detail;
  const bool node_ok = simulator_.is_node(fault.node);
  switch (fault.kind) {
    case FaultKind::partition:
    case FaultKind::offline:
      for (const auto& [from, to] : fault.links) {
        if (simulator_.is_node(from) && simulator_.is_node(to))
          simulator_.network().block(from, to);
      }
      break;
    case FaultKind::crash:
      detail += apply_crash(fault);
      break;
    case FaultKind::pause:
      if (node_ok) simulator_.pause(fault.node, fault.duration_ns);
      break;
    case FaultKind::disk_loss:
      if (node_ok) simulator_.lose_disk(fault.node);
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
      if (fault.latency_shape > 0)
        faults.latency = sim::LatencyModel::pareto(200'000, fault.latency_shape, 500'000'000);
      simulator_.network().set_all_faults(faults);
      break;
    }
    case FaultKind::clog:
      if (!fault.links.empty() && simulator_.is_node(fault.links[0].first) &&
          simulator_.is_node(fault.links[0].second)) {
        simulator_.network().clog(fault.links[0].first, fault.links[0].second,
                                  simulator_.now_ns() + fault.duration_ns);
      }
      break;
    case FaultKind::disk:
    case FaultKind::eio:
    case FaultKind::enospc:
      if (node_ok) apply_disk(fault, index);
      break;
    case FaultKind::membership:
      break;  // the nemesis asks the system itself
  }
  return detail;
}

// Every target at the same instant: a crash of several nodes loses each
// one's unsynced writes together, which no sequence of single crashes does.
std::string SimNemesisHost::apply_crash(const ScriptedFault& fault) {
  std::size_t lost = 0, unsynced = 0;
  for (NodeId target : fault.targets()) {
    if (!simulator_.is_node(target)) continue;
    const sim::CrashOutcome outcome = simulator_.crash(target, fault.mode == "lose-unsynced");
    for (const auto& write : outcome.writes) lost += write.fate != sim::CrashOutcome::Fate::kept;
    unsynced += outcome.writes.size();
  }
  return fmt::format(" ({} of {} unsynced writes lost or torn)", lost, unsynced);
}

void SimNemesisHost::apply_disk(const ScriptedFault& fault, std::size_t index) {
  sim::DiskFaults& faults = simulator_.disk(fault.node).faults();
  if (fault.kind == FaultKind::disk && fault.mode == "flip") {
    sim::Prng flip = random_.split("disk-flip", index);
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
void SimNemesisHost::heal_disk(const ScriptedFault& fault) {
  sim::DiskFaults& faults = simulator_.disk(fault.node).faults();
  if (fault.kind == FaultKind::disk && fault.mode == "stall") faults.stall_until_ns = 0;
  if (fault.kind == FaultKind::eio) faults.read_error = faults.write_error = 0;
  if (fault.kind == FaultKind::enospc) faults.full = false;
}

void SimNemesisHost::heal(const ScriptedFault& fault) {
  if (fault.kind != FaultKind::partition && fault.kind != FaultKind::packet &&
      fault.kind != FaultKind::clog && !simulator_.is_node(fault.node)) {
    return;
  }
  switch (fault.kind) {
    case FaultKind::partition:
    case FaultKind::offline:
      for (const auto& [from, to] : fault.links) {
        if (simulator_.is_node(from) && simulator_.is_node(to))
          simulator_.network().unblock(from, to);
      }
      break;
    case FaultKind::crash:
      for (NodeId target : fault.targets()) {
        if (simulator_.is_node(target)) simulator_.restart(target);
      }
      break;
    case FaultKind::disk_loss:
      simulator_.restart(fault.node);
      break;
    case FaultKind::pause:
      break;  // ends by itself
    case FaultKind::clock:
      for (NodeId target : fault.targets()) {
        if (simulator_.is_node(target)) simulator_.clock(target).reset(simulator_.now_ns());
      }
      break;
    case FaultKind::packet:
      simulator_.network().set_all_faults({});
      break;
    case FaultKind::clog:
      if (simulator_.is_node(fault.links[0].first) && simulator_.is_node(fault.links[0].second)) {
        simulator_.network().clog(fault.links[0].first, fault.links[0].second, 0);
      }
      break;
    case FaultKind::disk:
    case FaultKind::eio:
    case FaultKind::enospc:
      heal_disk(fault);
      break;
    case FaultKind::membership:
      break;  // the nemesis re-adds removed members itself
  }
}

void SimNemesisHost::heal_everything() {
  simulator_.network().heal_all();
  for (NodeId node : simulator_.node_ids()) {
    simulator_.disk(node).heal();
    simulator_.clock(node).reset(simulator_.now_ns());
    simulator_.restart(node);
  }
}

}  // namespace simlab::faults

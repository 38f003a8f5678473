#include "real/real_nemesis_host.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "faults/fault_mix.h"
#include "real/control.h"
#include "real/host_commands.h"
#include "real/netem.h"
#include "real/node_process.h"

namespace simlab::real {
namespace {

namespace fs = std::filesystem;
using faults::FaultKind;
using faults::ScriptedFault;

constexpr const char* kPacketChain = "SIMLAB_PACKET";

}  // namespace

std::string set_drop_rule(const RealCluster& cluster, NodeId from, NodeId to, bool add) {
  const CommandResult result = run_command(in_namespace(
      cluster.node_namespace(to),
      {"iptables", "-w", add ? "-A" : "-D", "INPUT", "-s", cluster.node_ip(from), "-j", "DROP"}));
  return result.status == 0 ? "" : result.output;
}

RealNemesisHost::RealNemesisHost(RealCluster& cluster, FiberLoop& fibers, ClientNetwork& clients,
                                 std::vector<std::string>& trace, sim::Prng random)
    : cluster_(cluster), fibers_(fibers), clients_(clients), trace_(trace), random_(random) {}

namespace {

// The harness's own files in a node's data folder; every other file is the
// system's disk.
bool harness_file(const std::string& name) {
  return name == kControlSocketName || name.ends_with(".log") || name == "boots" ||
         name == kFindingsFileName || name == kAuditFileName;
}

}  // namespace

std::vector<std::string> RealNemesisHost::disk_files(NodeId node) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(cluster_.data_dir(node), error)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && !harness_file(name) && entry.file_size() > 0)
      files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string RealNemesisHost::control(NodeId node, const std::string& command) {
  try {
    const std::string answer = send_control_command(cluster_.data_dir(node), command);
    return answer == "ok" ? "" : fmt::format(" (n{}: {})", node, answer);
  } catch (const std::exception&) {
    return fmt::format(" (n{} did not answer: not applied)", node);
  }
}

std::string RealNemesisHost::apply_partition(const ScriptedFault& fault, bool add) {
  std::string problems;
  for (const auto& [from, to] : fault.links) {
    if (!is_node(from) || !is_node(to)) continue;
    const std::string error = set_drop_rule(cluster_, from, to, add);
    if (!error.empty() && add)
      problems += fmt::format(" (n{}->n{} not applied: {})", from, to, error);
  }
  return problems;
}

std::string RealNemesisHost::apply_packet(const ScriptedFault& fault) {
  NetemSettings settings{fault.loss, fault.duplicate, fault.reorder, fault.corrupt, 0};
  if (fault.latency_shape > 0)
    settings.delay_ns = 5'000'000;  // a long tail needs netem's distributions
  std::optional<std::string> refused;
  if (!netem_missing_) {
    for (NodeId node = kFirstNodeId; node < kFirstNodeId + node_count() && !refused; ++node) {
      refused = add_netem(cluster_.node_namespace(node), "eth0", settings);
    }
  }
  if (!refused && !netem_missing_) return " (netem on every node's link)";
  netem_missing_ = true;
  // Loss is what iptables can do: its statistic match drops at random, in
  // a chain of its own so that the heal can empty it whatever else is set.
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + node_count() && fault.loss > 0; ++node) {
    const std::string ns = cluster_.node_namespace(node);
    if (run_command(in_namespace(ns, {"iptables", "-w", "-N", kPacketChain})).status == 0) {
      run_command(in_namespace(ns, {"iptables", "-w", "-A", "INPUT", "-j", kPacketChain}));
    }
    run_command(in_namespace(
        ns, {"iptables", "-w", "-A", kPacketChain, "-m", "statistic", "--mode", "random",
             "--probability", fmt::format("{:.4f}", fault.loss), "-j", "DROP"}));
  }
  return fmt::format(
      " (loss by iptables statistic; duplication, reordering, corruption and delay not applied: "
      "{})",
      refused.value_or("the kernel has no netem"));
}

void RealNemesisHost::heal_packet() {
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + node_count(); ++node) {
    const std::string ns = cluster_.node_namespace(node);
    if (!netem_missing_) remove_root_qdisc(ns, "eth0");
    run_command(in_namespace(ns, {"iptables", "-w", "-F", kPacketChain}));
  }
}

std::string RealNemesisHost::apply_crash(const ScriptedFault& fault) {
  std::uint64_t unsynced = 0;
  for (NodeId target : fault.targets()) {
    if (!is_node(target) || !cluster_.running(target)) continue;
    // What the kill loses: the node's own count of written, unsynced bytes.
    try {
      const std::string status = send_control_command(cluster_.data_dir(target), "status", 200);
      const auto equals = status.find('=');
      if (equals != std::string::npos) unsynced += std::stoull(status.substr(equals + 1));
    } catch (const std::exception&) {  // paused or stuck: its count is unknown, the kill is not
    }
    cluster_.kill(target);
  }
  return fmt::format(" (SIGKILL; {} unsynced bytes lost)", unsynced);
}

// The process is killed and every file of the system's disk removed; the
// heal starts it on the empty folder, as on a replaced machine.
std::string RealNemesisHost::apply_disk_loss(const ScriptedFault& fault) {
  if (!is_node(fault.node)) return "";
  cluster_.kill(fault.node);
  std::vector<fs::path> doomed;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(cluster_.data_dir(fault.node), error)) {
    if (entry.is_regular_file() && !harness_file(entry.path().filename().string()))
      doomed.push_back(entry.path());
  }
  for (const fs::path& path : doomed) fs::remove(path, error);
  return fmt::format(" (SIGKILL; {} files removed)", doomed.size());
}

std::string RealNemesisHost::apply_clock(const ScriptedFault& fault) {
  std::string problems;
  for (NodeId target : fault.targets()) {
    if (!is_node(target)) continue;
    if (fault.mode == "jump")
      problems += control(target, fmt::format("clock jump {}", fault.amount));
    if (fault.mode == "drift")
      problems += control(target, fmt::format("clock drift {}", fault.amount));
    if (fault.mode == "strobe")
      problems += control(target, fmt::format("clock strobe {} {}", fault.amount, fault.period_ns));
  }
  return problems;
}

std::string RealNemesisHost::apply_disk(const ScriptedFault& fault, std::size_t index) {
  switch (fault.kind) {
    case FaultKind::eio:
      return control(fault.node,
                     fmt::format("disk eio {} {}", fault.read_error, fault.write_error));
    case FaultKind::enospc:
      return control(fault.node, "disk full 1");
    default:
      break;
  }
  if (fault.mode == "stall")
    return control(fault.node, fmt::format("disk stall {}", fault.duration_ns));
  // A flip: one bit of what the file holds on disk, found by the next read
  // after a restart (latent corruption).
  const std::string path = cluster_.data_dir(fault.node) + "/" + fault.file;
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  const auto size = fs::exists(path) ? fs::file_size(path) : 0;
  if (!file || size == 0) return " (no such file on disk: not applied)";
  sim::Prng flip = random_.split("disk-flip", index);
  const std::uint64_t bit = flip.below(size * 8);
  file.seekg(static_cast<std::streamoff>(bit / 8));
  char byte = 0;
  file.read(&byte, 1);
  byte = static_cast<char>(byte ^ (1 << (bit % 8)));
  file.seekp(static_cast<std::streamoff>(bit / 8));
  file.write(&byte, 1);
  return fmt::format(" (bit {} of the file on disk)", bit);
}

std::string RealNemesisHost::apply(const ScriptedFault& fault, std::size_t index) {
  const std::int64_t start_ns = monotonic_now_ns();
  std::string detail;
  switch (fault.kind) {
    case FaultKind::partition:
    case FaultKind::clog:
    case FaultKind::offline:
      detail = apply_partition(fault, true);
      break;
    case FaultKind::packet:
      detail = apply_packet(fault);
      break;
    case FaultKind::crash:
      detail = apply_crash(fault);
      break;
    case FaultKind::disk_loss:
      detail = apply_disk_loss(fault);
      break;
    case FaultKind::pause:
      if (is_node(fault.node)) cluster_.pause(fault.node);
      detail = " (SIGSTOP)";
      break;
    case FaultKind::clock:
      detail = apply_clock(fault);
      break;
    case FaultKind::disk:
    case FaultKind::eio:
    case FaultKind::enospc:
      if (is_node(fault.node)) detail = apply_disk(fault, index);
      break;
    case FaultKind::membership:
      break;  // the nemesis asks the system itself
  }
  latencies_[std::string(faults::fault_kind_name(fault.kind))].push_back(monotonic_now_ns() -
                                                                         start_ns);
  return detail;
}

void RealNemesisHost::heal(const ScriptedFault& fault) {
  switch (fault.kind) {
    case FaultKind::partition:
    case FaultKind::clog:
    case FaultKind::offline:
      apply_partition(fault, false);
      break;
    case FaultKind::packet:
      heal_packet();
      break;
    case FaultKind::crash:
      for (NodeId target : fault.targets()) {
        if (is_node(target)) cluster_.start(target);
      }
      break;
    case FaultKind::disk_loss:
      if (is_node(fault.node)) cluster_.start(fault.node);
      break;
    case FaultKind::pause:
      if (is_node(fault.node)) cluster_.resume(fault.node);
      break;
    case FaultKind::clock:
      for (NodeId target : fault.targets()) {
        if (is_node(target)) control(target, "clock reset");
      }
      break;
    case FaultKind::eio:
    case FaultKind::enospc:
    case FaultKind::disk:
      if (!is_node(fault.node)) break;
      if (fault.kind == FaultKind::eio) control(fault.node, "disk eio 0 0");
      if (fault.kind == FaultKind::enospc) control(fault.node, "disk full 0");
      if (fault.kind == FaultKind::disk && fault.mode == "stall")
        control(fault.node, "disk stall 0");
      break;
    case FaultKind::membership:
      break;
  }
}

void RealNemesisHost::heal_everything() {
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + node_count(); ++node) {
    const std::string ns = cluster_.node_namespace(node);
    run_command(in_namespace(ns, {"iptables", "-w", "-F", kPacketChain}));
    run_command(in_namespace(ns, {"iptables", "-w", "-F", "INPUT"}));
    run_command(in_namespace(ns, {"iptables", "-w", "-X", kPacketChain}));
    if (!netem_missing_) remove_root_qdisc(cluster_.node_namespace(node), "eth0");
    cluster_.resume(node);
    if (!cluster_.running(node)) cluster_.start(node);
    control(node, "clock reset");
    control(node, "disk heal");
  }
}

}  // namespace simlab::real

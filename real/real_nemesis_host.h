// The nemesis's effects on real nodes (faults/nemesis.h decides them):
//   partition   iptables DROP rules in the receiving node's namespace, from
//               the sender's address; healed by deleting exactly those rules
//   clog        the same rules for the clog's time (TCP then resends what
//               was dropped: the link holds, then releases)
//   packet      netem through libnl; without netem in the kernel, loss by
//               iptables' statistic match and the rest recorded as not applied
//   crash       SIGKILL (the node's LazyDisk loses every unsynced write),
//               restart from the data folder at the heal
//   disk-loss   SIGKILL and every file of the system's disk removed (the
//               harness's own files stay), restart on the empty folder at the heal
//   pause       SIGSTOP, SIGCONT at the heal
//   clock, eio, enospc, disk stall: the node's control socket
//   disk flip   one bit of the file on disk (what a restart will read)
// Every fault's detail says what was applied and what was not.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "faults/nemesis_host.h"
#include "real/client_network.h"
#include "real/cluster.h"
#include "real/fiber_loop.h"
#include "sim/prng.h"

namespace simlab::real {

class RealNemesisHost final : public faults::NemesisHost {
 public:
  RealNemesisHost(RealCluster& cluster, FiberLoop& fibers, ClientNetwork& clients,
                  std::vector<std::string>& trace, sim::Prng random);

  std::int64_t now_ns() const override { return fibers_.now_ns(); }
  void sleep_for(std::int64_t duration_ns) override { fibers_.sleep_for(duration_ns); }
  void spawn(std::string name, std::function<void()> body) override {
    fibers_.spawn(std::move(name), std::move(body));
  }
  void at(std::int64_t time_ns, std::function<void()> action) override {
    fibers_.at(time_ns, std::move(action));
  }
  void log(const std::string& line) override { trace_.push_back(line); }
  std::uint32_t node_count() const override { return cluster_.spec().nodes; }
  NodeId last_client_node() const override { return clients_.last_client_node(); }
  std::vector<std::string> disk_files(NodeId node) override;

  std::string apply(const faults::ScriptedFault& fault, std::size_t index) override;
  void heal(const faults::ScriptedFault& fault) override;
  void heal_everything() override;

  // How long each fault took to be in force, from the decision (apply's
  // call) to the last effect, per kind: for the bench.
  const std::map<std::string, std::vector<std::int64_t>>& apply_latencies_ns() const {
    return latencies_;
  }

 private:
  std::string apply_partition(const faults::ScriptedFault& fault, bool add);
  std::string apply_packet(const faults::ScriptedFault& fault);
  std::string apply_crash(const faults::ScriptedFault& fault);
  std::string apply_disk_loss(const faults::ScriptedFault& fault);
  std::string apply_clock(const faults::ScriptedFault& fault);
  std::string apply_disk(const faults::ScriptedFault& fault, std::size_t index);
  std::string control(NodeId node, const std::string& command);
  void heal_packet();

  RealCluster& cluster_;
  FiberLoop& fibers_;
  ClientNetwork& clients_;
  std::vector<std::string>& trace_;
  sim::Prng random_;
  bool netem_missing_ = false;  // said once, then remembered
  std::map<std::string, std::vector<std::int64_t>> latencies_;
};

// One iptables rule in node `to`'s namespace dropping what `from` sends
// (`add` false: deletes it). Returns the command's error output, or "".
std::string set_drop_rule(const RealCluster& cluster, NodeId from, NodeId to, bool add);

}  // namespace simlab::real

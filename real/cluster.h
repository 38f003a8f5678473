// A real run's cluster: one network namespace per node, joined through veth
// pairs to a bridge in a hub namespace of the run's own, where the harness's
// clients live (their traffic crosses the nodes' links, so link faults hit
// it too). Every name carries the run id (sl<id>-...), so `simlab
// real-cleanup` can find what an interrupted run left; the destructor
// removes everything the cluster made and kills every node it started.
//
//   hub namespace sl<id>-hub: bridge br0, 10.77.0.254/24
//   node namespace sl<id>-n<i>: eth0, 10.77.0.<i>/24, the node listening on :7000
//   data folders WORK/n<i>/ (files, control.sock, node.log, stderr.log)
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "real/connection.h"
#include "systems/common/types.h"

namespace simlab::real {

// The machine cannot run real nodes (not root, no netns, no ip command):
// simlab exits 69 (EX_UNAVAILABLE) with this message.
class RealUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ClusterSpec {
  std::string run_id;  // short, [a-z0-9]: part of every name
  std::uint32_t nodes = 3;
  std::string system;
  std::string simlab_binary;  // the `simlab` that runs `simlab node`
  std::string work_dir;       // data folders go below it
  std::uint64_t seed = 1;
  std::string bug;
  std::string options_json;
  bool buggify = false;
  bool check_invariants = true;
};

inline constexpr const char* kRunPrefix = "sl";
inline constexpr std::uint16_t kNodePort = 7000;

// Checks that this process can make namespaces and links; throws RealUnavailable.
void check_real_nodes_available();

class RealCluster {
 public:
  explicit RealCluster(ClusterSpec spec);  // builds the namespaces and links
  ~RealCluster();                          // kills the nodes, removes it all
  RealCluster(const RealCluster&) = delete;
  RealCluster& operator=(const RealCluster&) = delete;

  const ClusterSpec& spec() const { return spec_; }
  std::string node_namespace(NodeId node) const;
  std::string hub_namespace() const;
  std::string node_ip(NodeId node) const;
  static std::string hub_ip() { return "10.77.0.254"; }
  Address node_address(NodeId node) const { return {node_ip(node), kNodePort}; }
  std::string data_dir(NodeId node) const;

  void start(NodeId node);
  void kill(NodeId node);    // SIGKILL, and waits for it
  void pause(NodeId node);   // SIGSTOP
  void resume(NodeId node);  // SIGCONT
  bool running(NodeId node) const;
  std::optional<pid_t> pid(NodeId node) const;

  // Nodes that exited on their own since the last call (an assertion: exit
  // 70), with their exit status; they are down until start() again.
  std::vector<std::pair<NodeId, int>> reap_exits();

  // The calling thread's sockets from now on belong to the hub namespace.
  void enter_hub();
  void leave_hub();

 private:
  void build_links();
  void remove_everything() noexcept;

  ClusterSpec spec_;
  std::map<NodeId, pid_t> pids_;
  std::map<NodeId, bool> paused_;
  int original_ns_fd_ = -1;
  bool built_ = false;
};

// Removes the namespaces (and kills the processes in them) of runs whose
// names start with the prefix, as an interrupted run left them. Returns
// what it removed, one line each.
std::vector<std::string> cleanup_leftovers(const std::string& run_id_prefix = "");

}  // namespace simlab::real

#include "real/cluster.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "real/host_commands.h"

namespace simlab::real {
namespace {

namespace fs = std::filesystem;

int open_namespace(const std::string& name) {
  const std::string path = "/var/run/netns/" + name;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path + ": " + std::strerror(errno));
  return fd;
}

std::vector<std::string> namespaces() {
  std::vector<std::string> names;
  std::istringstream lines(run_command({"ip", "netns", "list"}).output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto space = line.find(' ');
    names.push_back(line.substr(0, space));
  }
  return names;
}

// Kills every process in the namespace, then removes it (its veth ends,
// iptables rules and qdiscs go with it).
void remove_namespace(const std::string& name) noexcept {
  std::istringstream pids(run_command({"ip", "netns", "pids", name}).output);
  pid_t pid = 0;
  while (pids >> pid) ::kill(pid, SIGKILL);
  run_command({"ip", "netns", "del", name});
}

}  // namespace

void check_real_nodes_available() {
  if (geteuid() != 0)
    throw RealUnavailable("real nodes need root (network namespaces, veth pairs, iptables)");
  if (run_command({"ip", "-V"}).status != 0)
    throw RealUnavailable("real nodes need the ip command (Debian's iproute2)");
  if (run_command({"iptables", "--version"}).status != 0) {
    throw RealUnavailable(
        "real nodes need iptables (Debian's iptables package; tools/install-deps.sh installs it)");
  }
  const std::string probe = fmt::format("{}probe{}", kRunPrefix, getpid());
  if (run_command({"ip", "netns", "add", probe}).status != 0) {
    throw RealUnavailable("this machine cannot make network namespaces (ip netns add failed)");
  }
  run_command({"ip", "netns", "del", probe});
}

RealCluster::RealCluster(ClusterSpec spec) : spec_(std::move(spec)) {
  try {
    build_links();
    built_ = true;
  } catch (...) {
    remove_everything();
    throw;
  }
}

RealCluster::~RealCluster() { remove_everything(); }

std::string RealCluster::node_namespace(NodeId node) const {
  return fmt::format("{}{}-n{}", kRunPrefix, spec_.run_id, node);
}
std::string RealCluster::hub_namespace() const {
  return fmt::format("{}{}-hub", kRunPrefix, spec_.run_id);
}
std::string RealCluster::node_ip(NodeId node) const { return fmt::format("10.77.0.{}", node); }
std::string RealCluster::data_dir(NodeId node) const {
  return fmt::format("{}/n{}", spec_.work_dir, node);
}

void RealCluster::build_links() {
  const std::string hub = hub_namespace();
  run_checked({"ip", "netns", "add", hub});
  run_checked(in_namespace(hub, {"ip", "link", "add", "br0", "type", "bridge"}));
  run_checked(in_namespace(hub, {"ip", "addr", "add", hub_ip() + "/24", "dev", "br0"}));
  run_checked(in_namespace(hub, {"ip", "link", "set", "br0", "up"}));
  run_checked(in_namespace(hub, {"ip", "link", "set", "lo", "up"}));
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + spec_.nodes; ++node) {
    const std::string ns = node_namespace(node);
    // veth names are at most 15 characters: sl<id>h<node> on the hub's side.
    const std::string hub_end = fmt::format("{}{}h{}", kRunPrefix, spec_.run_id, node);
    const std::string node_end = fmt::format("{}{}v{}", kRunPrefix, spec_.run_id, node);
    run_checked({"ip", "netns", "add", ns});
    run_checked(in_namespace(
        hub, {"ip", "link", "add", hub_end, "type", "veth", "peer", "name", node_end}));
    run_checked(in_namespace(hub, {"ip", "link", "set", node_end, "netns", ns}));
    run_checked(in_namespace(hub, {"ip", "link", "set", hub_end, "master", "br0", "up"}));
    run_checked(in_namespace(ns, {"ip", "link", "set", node_end, "name", "eth0"}));
    run_checked(in_namespace(ns, {"ip", "addr", "add", node_ip(node) + "/24", "dev", "eth0"}));
    run_checked(in_namespace(ns, {"ip", "link", "set", "eth0", "up"}));
    run_checked(in_namespace(ns, {"ip", "link", "set", "lo", "up"}));
    // A node starts from an empty disk: a work folder used before (a rerun
    // into the same run folder) must not hand it an earlier run's log.
    fs::remove_all(data_dir(node));
    fs::create_directories(data_dir(node));
  }
}

void RealCluster::remove_everything() noexcept {
  for (auto& [node, pid] : pids_) {
    ::kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  pids_.clear();
  leave_hub();
  for (NodeId node = kFirstNodeId; node < kFirstNodeId + spec_.nodes; ++node)
    remove_namespace(node_namespace(node));
  remove_namespace(hub_namespace());
}

void RealCluster::start(NodeId node) {
  if (running(node)) return;
  std::string peers;
  for (NodeId peer = kFirstNodeId; peer < kFirstNodeId + spec_.nodes; ++peer) {
    peers += fmt::format("{}{}={}", peers.empty() ? "" : ",", peer, node_address(peer).text());
  }
  std::vector<std::string> args = {spec_.simlab_binary,
                                   "node",
                                   "--system",
                                   spec_.system,
                                   "--id",
                                   std::to_string(node),
                                   "--listen",
                                   node_address(node).text(),
                                   "--peers",
                                   peers,
                                   "--data",
                                   data_dir(node),
                                   "--seed",
                                   std::to_string(spec_.seed),
                                   "--options",
                                   spec_.options_json};
  if (!spec_.bug.empty()) args.insert(args.end(), {"--bug", spec_.bug});
  if (spec_.buggify) args.push_back("--buggify");
  if (!spec_.check_invariants) args.push_back("--no-invariants");
  const int ns_fd = open_namespace(node_namespace(node));
  const std::string log_path = data_dir(node) + "/stderr.log";
  const pid_t child = fork();
  if (child < 0) {
    close(ns_fd);
    throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  }
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a harness that dies takes its nodes along
    if (setns(ns_fd, CLONE_NEWNET) != 0) _exit(126);
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(ns_fd);
  pids_[node] = child;
  paused_[node] = false;
}

void RealCluster::kill(NodeId node) {
  auto found = pids_.find(node);
  if (found == pids_.end()) return;
  ::kill(found->second, SIGKILL);
  waitpid(found->second, nullptr, 0);
  pids_.erase(found);
  paused_[node] = false;
}

void RealCluster::pause(NodeId node) {
  if (auto found = pids_.find(node); found != pids_.end() && !paused_[node]) {
    ::kill(found->second, SIGSTOP);
    paused_[node] = true;
  }
}

void RealCluster::resume(NodeId node) {
  if (auto found = pids_.find(node); found != pids_.end() && paused_[node]) {
    ::kill(found->second, SIGCONT);
    paused_[node] = false;
  }
}

bool RealCluster::running(NodeId node) const { return pids_.contains(node); }

std::optional<pid_t> RealCluster::pid(NodeId node) const {
  auto found = pids_.find(node);
  return found == pids_.end() ? std::nullopt : std::optional<pid_t>(found->second);
}

std::vector<std::pair<NodeId, int>> RealCluster::reap_exits() {
  std::vector<std::pair<NodeId, int>> exits;
  for (auto it = pids_.begin(); it != pids_.end();) {
    int status = 0;
    if (waitpid(it->second, &status, WNOHANG) != it->second) {
      ++it;
      continue;
    }
    exits.emplace_back(it->first, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    paused_[it->first] = false;
    it = pids_.erase(it);
  }
  return exits;
}

void RealCluster::enter_hub() {
  if (original_ns_fd_ < 0) original_ns_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int hub = open_namespace(hub_namespace());
  const int status = setns(hub, CLONE_NEWNET);
  close(hub);
  if (status != 0)
    throw std::runtime_error("cannot enter " + hub_namespace() + ": " + std::strerror(errno));
}

void RealCluster::leave_hub() {
  if (original_ns_fd_ < 0) return;
  setns(original_ns_fd_, CLONE_NEWNET);
  close(original_ns_fd_);
  original_ns_fd_ = -1;
}

std::vector<std::string> cleanup_leftovers(const std::string& run_id_prefix) {
  std::vector<std::string> removed;
  const std::string prefix = std::string(kRunPrefix) + run_id_prefix;
  for (const std::string& name : namespaces()) {
    const bool ours = name.rfind(prefix, 0) == 0 &&
                      (name.find("-n") != std::string::npos || name.ends_with("-hub"));
    if (!ours) continue;
    remove_namespace(name);
    removed.push_back("network namespace " + name);
  }
  return removed;
}

}  // namespace simlab::real

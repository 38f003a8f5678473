// Each real fault, shown on a real socket, process or file: a one-way
// iptables rule drops what A sends B and not what B sends A; SIGSTOP stops
// a node's answers and SIGCONT brings them back; SIGKILL loses exactly the
// writes not yet synced; the injected clock jumps, drifts and resets; netem
// says why when the kernel lacks it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "real/cluster.h"
#include "real/control.h"
#include "real/injected_clock.h"
#include "real/lazy_disk.h"
#include "real/netem.h"
#include "real/real_nemesis_host.h"
#include "tests/harness/cli_support.h"
#include "tests/real/real_support.h"

namespace simlab::real::testing {
namespace {

namespace fs = std::filesystem;

ClusterSpec spec(const std::string& name, std::uint32_t nodes) {
  ClusterSpec spec;
  spec.run_id = name;
  spec.nodes = nodes;
  spec.system = "raft";
  spec.simlab_binary = std::string(SIMLAB_BINARY_DIR) + "/simlab";
  spec.work_dir = simlab::testing::scratch_folder("real-" + name).string();
  spec.options_json = "{}";
  return spec;
}

// In a child inside `ns`: sends one UDP datagram to `to` (port 9000) and
// listens on its own address for one; exits 0 if one arrived within 300 ms.
bool udp_arrives(const RealCluster& cluster, NodeId from, NodeId to) {
  const auto run_in = [&](NodeId node, auto&& body) {
    const pid_t child = fork();
    if (child == 0) {
      const int ns = open(("/var/run/netns/" + cluster.node_namespace(node)).c_str(), O_RDONLY);
      if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) _exit(2);
      _exit(body() ? 0 : 1);
    }
    return child;
  };
  const auto address_of = [&](NodeId node) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(9000);
    inet_pton(AF_INET, cluster.node_ip(node).c_str(), &address.sin_addr);
    return address;
  };
  const pid_t receiver = run_in(to, [&] {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    const sockaddr_in self = address_of(to);
    if (bind(fd, reinterpret_cast<const sockaddr*>(&self), sizeof self) != 0) return false;
    pollfd waiting{fd, POLLIN, 0};
    return poll(&waiting, 1, 300) == 1;
  });
  usleep(50'000);  // the receiver is bound
  const pid_t sender = run_in(from, [&] {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    const sockaddr_in target = address_of(to);
    return sendto(fd, "x", 1, 0, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 1;
  });
  int status = 0;
  waitpid(sender, nullptr, 0);
  waitpid(receiver, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(RealFaults, AOneWayRuleDropsAToBAndNotBToA) {
  SIMLAB_REQUIRE_REAL_NODES();
  RealCluster cluster(spec("ow" + std::to_string(getpid() % 1000), 2));
  EXPECT_TRUE(udp_arrives(cluster, 1, 2));
  EXPECT_TRUE(udp_arrives(cluster, 2, 1));
  EXPECT_EQ(set_drop_rule(cluster, 1, 2, true), "");
  EXPECT_FALSE(udp_arrives(cluster, 1, 2)) << "n2 drops what n1 sends";
  EXPECT_TRUE(udp_arrives(cluster, 2, 1)) << "but n1 still hears n2";
  EXPECT_EQ(set_drop_rule(cluster, 1, 2, false), "");
  EXPECT_TRUE(udp_arrives(cluster, 1, 2)) << "the heal removes exactly that rule";
}

TEST(RealCluster, EveryNodeStartsFromAnEmptyDataFolderInAReusedWorkFolder) {
  SIMLAB_REQUIRE_REAL_NODES();
  const ClusterSpec reused = spec("rw" + std::to_string(getpid() % 1000), 2);
  fs::create_directories(reused.work_dir + "/n1");
  simlab::testing::write_file(reused.work_dir + "/n1/log-p0.seg", "an earlier run's records");
  simlab::testing::write_file(reused.work_dir + "/unrelated", "not the cluster's");
  RealCluster cluster(reused);
  EXPECT_TRUE(fs::is_directory(cluster.data_dir(1)));
  EXPECT_TRUE(fs::is_empty(cluster.data_dir(1)));
  EXPECT_TRUE(fs::exists(reused.work_dir + "/unrelated")) << "only the nodes' own folders go";
}

TEST(RealFaults, SigstopStopsANodesAnswersAndSigcontBringsThemBack) {
  SIMLAB_REQUIRE_REAL_NODES();
  RealCluster cluster(spec("st" + std::to_string(getpid() % 1000), 1));
  cluster.start(1);
  std::string answer;
  for (int attempt = 0; attempt < 100 && answer.empty(); ++attempt) {
    try {
      answer = send_control_command(cluster.data_dir(1), "status", 200);
    } catch (const std::exception&) {
      usleep(20'000);  // still starting
    }
  }
  EXPECT_EQ(answer.rfind("ok", 0), 0u) << answer;
  cluster.pause(1);
  EXPECT_THROW(send_control_command(cluster.data_dir(1), "status", 300), std::runtime_error);
  cluster.resume(1);
  EXPECT_EQ(send_control_command(cluster.data_dir(1), "status", 1000).rfind("ok", 0), 0u);
}

TEST(RealFaults, SigkillLosesExactlyTheWritesNotYetSynced) {
  const fs::path dir = simlab::testing::scratch_folder("real-lazy-disk");
  const pid_t child = fork();
  if (child == 0) {
    const int notify = eventfd(0, EFD_CLOEXEC);
    LazyDisk disk(dir.string(), notify, 1);
    const auto wait_done = [&](std::size_t count) {
      std::size_t done = 0;
      while (done < count) done += disk.take_completions().size();
    };
    disk.submit(
        DiskRequest{1, DiskRequest::Kind::write, "wal", 0, 0, Bytes{'s', 'y', 'n', 'c', 'e', 'd'}});
    disk.submit(DiskRequest{2, DiskRequest::Kind::fsync, "wal", 0, 0, {}});
    disk.submit(DiskRequest{3, DiskRequest::Kind::write, "wal", 6, 0, Bytes{'l', 'o', 's', 't'}});
    disk.submit(DiskRequest{4, DiskRequest::Kind::read, "wal", 0, 100, {}});
    wait_done(4);
    if (disk.unsynced_bytes() != 4) _exit(3);
    raise(SIGKILL);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child checks what a read saw before it dies";
  std::ifstream file(dir / "wal", std::ios::binary);
  const std::string contents((std::istreambuf_iterator<char>(file)), {});
  EXPECT_EQ(contents, "synced") << "the unsynced four bytes died with the process";
}

TEST(RealFaults, AReadSeesUnsyncedWritesAndAFullDiskRefusesGrowth) {
  const fs::path dir = simlab::testing::scratch_folder("real-lazy-read");
  const int notify = eventfd(0, EFD_CLOEXEC);
  LazyDisk disk(dir.string(), notify, 1);
  const auto run = [&](DiskRequest request) {
    disk.submit(std::move(request));
    while (true) {
      auto done = disk.take_completions();
      if (!done.empty()) return done.front();
    }
  };
  EXPECT_EQ(run({1, DiskRequest::Kind::write, "f", 0, 0, Bytes{'a', 'b'}}).status, DiskStatus::ok);
  EXPECT_EQ(run({2, DiskRequest::Kind::read, "f", 0, 10, {}}).bytes, (Bytes{'a', 'b'}));
  LazyDiskFaults full;
  full.full = true;
  disk.set_faults(full);
  EXPECT_EQ(run({3, DiskRequest::Kind::write, "f", 2, 0, Bytes{'c'}}).status, DiskStatus::no_space);
  EXPECT_EQ(run({4, DiskRequest::Kind::write, "f", 0, 0, Bytes{'z'}}).status, DiskStatus::ok)
      << "an overwrite needs no space";
  close(notify);
}

TEST(RealFaults, TheInjectedClockJumpsDriftsAndResets) {
  InjectedClock clock;
  const std::int64_t wall = clock.now_ns(), monotonic = clock.monotonic_ns();
  clock.jump(-5'000'000'000);
  EXPECT_LT(clock.now_ns(), wall - 4'000'000'000);
  EXPECT_GE(clock.monotonic_ns(), monotonic) << "monotonic never jumps";
  clock.set_drift_ppm(100'000);  // 10% fast
  EXPECT_EQ(clock.real_duration_ns(110'000'000), 100'000'000);
  clock.reset();
  EXPECT_NEAR(static_cast<double>(clock.now_ns()), static_cast<double>(wall), 2e9)
      << "back to real time";
  EXPECT_EQ(clock.real_duration_ns(100'000'000), 100'000'000);
}

TEST(RealFaults, NetemSaysWhyWhenTheKernelHasNone) {
  SIMLAB_REQUIRE_REAL_NODES();
  RealCluster cluster(spec("ne" + std::to_string(getpid() % 1000), 1));
  const auto refused = add_netem(cluster.node_namespace(1), "eth0", NetemSettings{0.1, 0, 0, 0, 0});
  if (refused) {
    EXPECT_NE(refused->find("netem"), std::string::npos) << *refused;
  } else {
    remove_root_qdisc(cluster.node_namespace(1),
                      "eth0");  // a kernel that has it: in force, then gone
  }
}

}  // namespace
}  // namespace simlab::real::testing

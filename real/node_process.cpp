#include "real/node_process.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "real/control.h"
#include "real/injected_clock.h"
#include "real/lazy_disk.h"
#include "sim/hash.h"
#include "sim/prng.h"

namespace simlab::real {
namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

// How long after a failed connect a peer is tried again.
constexpr std::int64_t kReconnectNs = 50'000'000;

class NodeProcess;

class RealNodeContext final : public NodeContext {
 public:
  explicit RealNodeContext(NodeProcess& process) : process_(process) {}
  NodeId self() const override;
  std::int64_t now_ns() const override;
  std::int64_t monotonic_ns() const override;
  RandomSource& random() override;
  bool buggify(std::string_view site) override;
  void send(NodeId to, Bytes payload) override;
  void set_timer(TimerId id, std::int64_t after_ns) override;
  void cancel_timer(TimerId id) override;
  DiskOpId disk_write(const std::string& file, std::uint64_t offset, Bytes bytes) override;
  DiskOpId disk_fsync(const std::string& file) override;
  DiskOpId disk_read(const std::string& file, std::uint64_t offset, std::uint64_t length) override;
  DiskOpId disk_truncate(const std::string& file, std::uint64_t size) override;
  void reply(RequestId request, Bytes response) override;
  void log(std::string_view line) override;
  void audit(std::string_view key, std::string_view entry) override;

 private:
  NodeProcess& process_;
};

// An outgoing link to one peer, connected on demand.
struct PeerLink {
  std::unique_ptr<Connection> connection;
  std::int64_t retry_after_ns = 0;
};

// A client's request in flight: where the answer goes.
struct PendingRequest {
  Connection* connection;
  std::uint64_t client_request_id;
};

class NodeProcess {
 public:
  NodeProcess(const NodeProcessConfig& config, const SystemFactory& factory);
  ~NodeProcess();
  int run();

  // For the context.
  const NodeProcessConfig& config() const { return config_; }
  InjectedClock& clock() { return clock_; }
  sim::Prng& random() { return random_; }
  sim::Prng& buggify_random() { return buggify_random_; }
  void send(NodeId to, Bytes payload);
  void set_timer(TimerId id, std::int64_t after_ns);
  void cancel_timer(TimerId id);
  DiskOpId submit(DiskRequest request);
  void reply(RequestId request, Bytes response);
  void log(std::string_view line);
  void audit(std::string_view key, std::string_view entry);

 private:
  template <typename Step>
  void step(Step&& body);
  void accept_connections(int listen_fd);
  void on_frame(Connection& connection, Frame frame);
  void on_close(Connection& connection);
  void drain_disk();
  void accept_control();
  void record_finding(const std::string& invariant, const std::string& detail);

  NodeProcessConfig config_;
  EventLoop loop_;
  InjectedClock clock_;
  sim::Prng random_;
  sim::Prng buggify_random_;
  int disk_event_fd_;
  LazyDisk disk_;
  std::unique_ptr<Node> node_;
  RealNodeContext context_;
  int listen_fd_ = -1;
  int control_fd_ = -1;
  std::map<NodeId, PeerLink> peers_;
  // Accepted connections, and who each one turned out to be (0: a client).
  std::unordered_map<Connection*, std::unique_ptr<Connection>> inbound_;
  std::unordered_map<Connection*, NodeId> inbound_peer_;
  std::unordered_map<RequestId, PendingRequest> requests_;
  RequestId next_request_ = 1;
  std::map<TimerId, EventLoop::TimerHandle> timers_;
  DiskOpId next_disk_op_ = 1;
  std::ofstream log_;
  std::ofstream findings_;
  std::ofstream audit_;
  bool aborted_ = false;
};

NodeId RealNodeContext::self() const { return process_.config().id; }
std::int64_t RealNodeContext::now_ns() const { return process_.clock().now_ns(); }
std::int64_t RealNodeContext::monotonic_ns() const { return process_.clock().monotonic_ns(); }
RandomSource& RealNodeContext::random() { return process_.random(); }
// The simulator's rule: a site is active in a quarter of runs (by the seed
// and the site's name), and an active site fires on 5% of its visits.
bool RealNodeContext::buggify(std::string_view site) {
  if (!process_.config().buggify) return false;
  if (sim::fold64(process_.config().seed, sim::name_hash64(site)) % 4 != 0) return false;
  return process_.buggify_random().chance(0.05);
}
void RealNodeContext::send(NodeId to, Bytes payload) { process_.send(to, std::move(payload)); }
void RealNodeContext::set_timer(TimerId id, std::int64_t after_ns) {
  process_.set_timer(id, after_ns);
}
void RealNodeContext::cancel_timer(TimerId id) { process_.cancel_timer(id); }
DiskOpId RealNodeContext::disk_write(const std::string& file, std::uint64_t offset, Bytes bytes) {
  return process_.submit(
      DiskRequest{0, DiskRequest::Kind::write, file, offset, 0, std::move(bytes)});
}
DiskOpId RealNodeContext::disk_fsync(const std::string& file) {
  return process_.submit(DiskRequest{0, DiskRequest::Kind::fsync, file, 0, 0, {}});
}
DiskOpId RealNodeContext::disk_read(const std::string& file, std::uint64_t offset,
                                    std::uint64_t length) {
  return process_.submit(DiskRequest{0, DiskRequest::Kind::read, file, offset, length, {}});
}
DiskOpId RealNodeContext::disk_truncate(const std::string& file, std::uint64_t size) {
  return process_.submit(DiskRequest{0, DiskRequest::Kind::truncate, file, size, 0, {}});
}
void RealNodeContext::reply(RequestId request, Bytes response) {
  process_.reply(request, std::move(response));
}
void RealNodeContext::log(std::string_view line) { process_.log(line); }
void RealNodeContext::audit(std::string_view key, std::string_view entry) {
  process_.audit(key, entry);
}

// Each start of the process draws afresh: the boot count on disk tells it
// which start this is (a real run is not deterministic; it need not repeat).
std::uint64_t boot_number(const std::string& data_dir) {
  const std::string path = data_dir + "/boots";
  std::uint64_t boots = 0;
  std::ifstream(path) >> boots;
  std::ofstream(path, std::ios::trunc) << boots + 1 << "\n";
  return boots;
}

NodeProcess::NodeProcess(const NodeProcessConfig& config, const SystemFactory& factory)
    : config_(config),
      random_(sim::Prng(config.seed)
                  .split("node", config.id)
                  .split("boot", boot_number(config.data_dir))),
      buggify_random_(random_.split("buggify")),
      disk_event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      disk_(config.data_dir, disk_event_fd_, random_.split("disk").next_u64()),
      context_(*this),
      log_(config.data_dir + "/node.log", std::ios::app),
      findings_(config.data_dir + "/" + kFindingsFileName, std::ios::app),
      audit_(config.data_dir + "/" + kAuditFileName, std::ios::app) {
  NodeConfig node_config;
  node_config.id = config.id;
  for (const auto& [id, address] : config.peers) node_config.initial_members.push_back(id);
  node_config.bugs = config.bugs;
  node_config.options_json = config.options_json;
  node_ = factory.make_node(node_config);
}

NodeProcess::~NodeProcess() {
  if (listen_fd_ >= 0) close(listen_fd_);
  if (control_fd_ >= 0) close(control_fd_);
  close(disk_event_fd_);
}

// Flushed line by line: a node ends by SIGKILL as often as not.
void NodeProcess::log(std::string_view line) {
  log_ << fmt::format("{} n{}: {}\n", clock_.monotonic_ns(), config_.id, line) << std::flush;
}

// Stamped with the node's clock (faults may skew it): the harness orders a
// real run's trail by it.
void NodeProcess::audit(std::string_view key, std::string_view entry) {
  audit_ << nlohmann::json{{"time_ns", clock_.now_ns()},
                           {"node", config_.id},
                           {"key", key},
                           {"entry", entry}}
                .dump()
         << "\n"
         << std::flush;
}

void NodeProcess::record_finding(const std::string& invariant, const std::string& detail) {
  findings_ << nlohmann::json{{"node", config_.id},
                              {"invariant", invariant},
                              {"detail", detail},
                              {"time_ns", clock_.now_ns()}}
                   .dump()
            << "\n";
  findings_.flush();
}

// One step, then the node's own invariants. An assertion ends the process
// as an assert would: the harness sees the exit and restarts it.
template <typename Step>
void NodeProcess::step(Step&& body) {
  if (aborted_) return;
  try {
    body();
    if (!config_.check_invariants) return;
    if (auto violation = node_->check_invariants())
      record_finding(violation->invariant, violation->detail);
  } catch (const AssertionFailure& failure) {
    record_finding(failure.invariant(), failure.detail());
    std::fprintf(stderr, "n%u ABORT %s: %s\n", config_.id, failure.invariant().c_str(),
                 failure.detail().c_str());
    aborted_ = true;
  } catch (const std::exception& error) {
    record_finding("node.exception", error.what());
    std::fprintf(stderr, "n%u ABORT node.exception: %s\n", config_.id, error.what());
    aborted_ = true;
  }
  if (aborted_) loop_.stop();
}

void NodeProcess::send(NodeId to, Bytes payload) {
  auto found = config_.peers.find(to);
  if (found == config_.peers.end() || to == config_.id) return;
  PeerLink& link = peers_[to];
  if (!link.connection || !link.connection->open()) {
    if (monotonic_now_ns() < link.retry_after_ns) return;  // as if lost on a dead link
    const int fd = start_connect(found->second);
    link.retry_after_ns = monotonic_now_ns() + kReconnectNs;
    if (fd < 0) return;
    link.connection = std::make_unique<Connection>(
        loop_, fd, true, [](Connection&, Frame) {},  // peers never answer on our link
        [](Connection&) {});
    link.connection->send(Frame{FrameType::hello_peer, config_.id, {}});
  }
  link.connection->send(Frame{FrameType::peer_message, 0, std::move(payload)});
}

void NodeProcess::set_timer(TimerId id, std::int64_t after_ns) {
  cancel_timer(id);
  const std::int64_t deadline_ns =
      monotonic_now_ns() + clock_.real_duration_ns(std::max<std::int64_t>(0, after_ns));
  timers_[id] = loop_.at(deadline_ns, [this, id] {
    timers_.erase(id);
    step([&] { node_->on_timer(context_, id); });
  });
}

void NodeProcess::cancel_timer(TimerId id) {
  auto found = timers_.find(id);
  if (found == timers_.end()) return;
  loop_.cancel(found->second);
  timers_.erase(found);
}

DiskOpId NodeProcess::submit(DiskRequest request) {
  request.id = next_disk_op_++;
  const DiskOpId id = request.id;
  disk_.submit(std::move(request));
  return id;
}

void NodeProcess::drain_disk() {
  std::uint64_t count = 0;
  if (read(disk_event_fd_, &count, sizeof count) < 0) {  // nothing to read: a spurious wake
  }
  for (DiskCompletion& done : disk_.take_completions()) {
    step([&] { node_->on_disk_done(context_, done.id, done.status, done.bytes); });
  }
}

void NodeProcess::reply(RequestId request, Bytes response) {
  auto found = requests_.find(request);
  if (found == requests_.end()) return;  // its client went away
  const PendingRequest pending = found->second;
  requests_.erase(found);
  pending.connection->send(
      Frame{FrameType::client_reply, pending.client_request_id, std::move(response)});
}

void NodeProcess::on_frame(Connection& connection, Frame frame) {
  auto peer = inbound_peer_.find(&connection);
  if (peer == inbound_peer_.end()) {  // the hello says who calls
    if (frame.type == FrameType::hello_peer)
      inbound_peer_[&connection] = static_cast<NodeId>(frame.id);
    if (frame.type == FrameType::hello_client) inbound_peer_[&connection] = kNoNode;
    return;
  }
  if (frame.type == FrameType::peer_message && peer->second != kNoNode) {
    const NodeId from = peer->second;
    step([&] { node_->on_message(context_, from, frame.payload); });
  } else if (frame.type == FrameType::client_request && peer->second == kNoNode) {
    const RequestId request = next_request_++;
    requests_[request] = PendingRequest{&connection, frame.id};
    step([&] { node_->on_client(context_, request, frame.payload); });
  }
}

void NodeProcess::on_close(Connection& connection) {
  std::erase_if(requests_,
                [&](const auto& entry) { return entry.second.connection == &connection; });
  inbound_peer_.erase(&connection);
  // Destroyed after the loop's current handler returns: it is ours to free,
  // but it is the caller now.
  auto found = inbound_.find(&connection);
  if (found == inbound_.end()) return;
  std::shared_ptr<Connection> doomed(found->second.release());
  inbound_.erase(found);
  loop_.at(0, [doomed] {});
}

void NodeProcess::accept_connections(int listen_fd) {
  while (true) {
    const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto connection = std::make_unique<Connection>(
        loop_, fd, false, [this](Connection& c, Frame frame) { on_frame(c, std::move(frame)); },
        [this](Connection& c) { on_close(c); });
    Connection* key = connection.get();
    inbound_[key] = std::move(connection);
  }
}

void NodeProcess::accept_control() {
  const int fd = accept4(control_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  // Commands are one short line: read it whole (the harness waits for the answer).
  std::string line;
  char buffer[256];
  while (line.find('\n') == std::string::npos) {
    const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    line.append(buffer, static_cast<std::size_t>(got));
  }
  const std::string answer =
      run_control_command(line.substr(0, line.find('\n')), clock_, disk_) + "\n";
  if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) {  // the harness gave up waiting
  }
  close(fd);
}

int listen_control(const std::string& data_dir) {
  const std::string path = data_dir + "/" + kControlSocketName;
  unlink(path.c_str());
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      listen(fd, 16) != 0) {
    throw std::runtime_error(path +
                             ": cannot listen for control commands: " + std::strerror(errno));
  }
  return fd;
}

int NodeProcess::run() {
  listen_fd_ = listen_on(config_.listen);
  control_fd_ = listen_control(config_.data_dir);
  loop_.watch(listen_fd_, EPOLLIN, [this](std::uint32_t) { accept_connections(listen_fd_); });
  loop_.watch(control_fd_, EPOLLIN, [this](std::uint32_t) { accept_control(); });
  loop_.watch(disk_event_fd_, EPOLLIN, [this](std::uint32_t) { drain_disk(); });
  step([&] { node_->on_start(context_); });
  while (!g_stop && loop_.run_once(monotonic_now_ns() + 100'000'000)) {
  }
  log_.flush();
  return aborted_ ? 70 : 0;
}

}  // namespace

int run_node_process(const NodeProcessConfig& config, const SystemFactory& factory) {
  struct sigaction stop {};
  stop.sa_handler = on_stop_signal;
  sigaction(SIGTERM, &stop, nullptr);
  sigaction(SIGINT, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);
  NodeProcess process(config, factory);
  return process.run();
}

}  // namespace simlab::real

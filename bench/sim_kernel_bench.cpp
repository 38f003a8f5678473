// Kernel speed: a ping-pong between two nodes and a 100-node gossip, in
// events per second, beside the floor measured in the same run: one
// Boost.Context switch pair plus one event-queue push and pop at the same
// queue depth. Goal: within 3x of the floor.
#include <chrono>
#include <cstdio>

#include <boost/context/fiber.hpp>

#include "sim/event_queue.h"
#include "sim/simulator.h"

namespace {

using namespace simlab;
using Clock = std::chrono::steady_clock;

// Answers every message by sending one on: to the sender (ping-pong) or to a
// random peer (gossip). Node 0 starts `initial` messages.
class Forwarder final : public Node {
 public:
  Forwarder(NodeId id, std::uint32_t nodes, bool gossip, int initial)
      : id_(id), nodes_(nodes), gossip_(gossip), initial_(initial) {}
  void on_start(NodeContext& context) override {
    for (int i = 0; i < initial_; ++i) context.send(next(id_), Bytes(16, 7));
  }
  void on_message(NodeContext& context, NodeId from, ByteView payload) override {
    const NodeId to = gossip_ ? static_cast<NodeId>(kFirstNodeId + context.random().below(nodes_)) : from;
    context.send(to == id_ ? next(to) : to, Bytes(payload.begin(), payload.end()));
  }
  void on_timer(NodeContext&, TimerId) override {}
  void on_disk_done(NodeContext&, DiskOpId, DiskStatus, ByteView) override {}
  void on_client(NodeContext&, RequestId, ByteView) override {}

 private:
  NodeId id_;
  NodeId next(NodeId id) const { return id % nodes_ + kFirstNodeId; }  // ids run 1..nodes_
  std::uint32_t nodes_;
  bool gossip_;
  int initial_;
};

class ForwarderFactory final : public SystemFactory {
 public:
  ForwarderFactory(std::uint32_t nodes, bool gossip, int initial) : nodes_(nodes), gossip_(gossip), initial_(initial) {}
  std::unique_ptr<Node> make_node(const NodeConfig& config) const override {
    return std::make_unique<Forwarder>(config.id, nodes_, gossip_, config.id == kFirstNodeId ? initial_ : 0);
  }

 private:
  std::uint32_t nodes_;
  bool gossip_;
  int initial_;
};

double events_per_second(std::uint32_t nodes, bool gossip, int in_flight, std::uint64_t events) {
  ForwarderFactory factory(nodes, gossip, in_flight);
  sim::SimConfig config;
  config.seed = 1;
  config.node_count = nodes;
  config.factory = &factory;
  config.network_latency = sim::LatencyModel::uniform(1'000, 100'000);
  sim::Simulator simulator(config);
  simulator.start();
  const auto start = Clock::now();
  std::int64_t horizon = 0;
  while (simulator.events() < events) {
    horizon += 1'000'000'000;
    simulator.run_until(horizon);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(simulator.events()) / seconds;
}

// The floor: per iteration, resume a fiber that suspends at once (one switch
// pair) and push and pop one event on a queue held at `depth`.
double floor_ns(std::size_t depth, std::uint64_t iterations) {
  namespace context = boost::context;
  std::uint64_t resumed = 0;
  context::fiber fiber([&resumed](context::fiber&& caller) {
    for (;;) {
      ++resumed;
      caller = std::move(caller).resume();
    }
    return std::move(caller);
  });
  sim::EventQueue queue;
  for (std::size_t i = 0; i < depth; ++i) queue.push(static_cast<std::int64_t>(i), sim::EventKind::timer, 0, i, 0);
  const auto start = Clock::now();
  std::int64_t time = static_cast<std::int64_t>(depth);
  for (std::uint64_t i = 0; i < iterations; ++i) {
    fiber = std::move(fiber).resume();
    queue.push(time++, sim::EventKind::timer, 0, i, 0);
    const sim::Event event = queue.pop();
    if (event.a == ~0ull) std::printf("unreachable\n");
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (resumed < iterations) std::printf("fiber did not run\n");
  return seconds * 1e9 / static_cast<double>(iterations);
}

void report(const char* name, double rate, double floor) {
  const double per_event_ns = 1e9 / rate;
  std::printf("%-28s %10.2f M events/s  %7.1f ns/event   floor %5.1f ns   ratio %.2fx (goal <= 3x)\n", name,
              rate / 1e6, per_event_ns, floor, per_event_ns / floor);
}

}  // namespace

int main() {
  const double pingpong = events_per_second(2, false, 1, 5'000'000);
  report("ping-pong, 2 nodes", pingpong, floor_ns(2, 5'000'000));
  const double gossip = events_per_second(100, true, 100, 5'000'000);
  report("gossip, 100 nodes", gossip, floor_ns(100, 5'000'000));
  return 0;
}

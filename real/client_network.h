// The harness's side of the nodes' client protocol in a real run: one TCP
// connection to each node (opened on demand, from the hub namespace), over
// which client fibers send requests and wait for the answer by id. A
// ClientEnv per client fiber, like the simulator's.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "real/connection.h"
#include "real/fiber_loop.h"
#include "sim/prng.h"
#include "workloads/client_env.h"

namespace simlab::real {

class ClientNetwork {
 public:
  ClientNetwork(FiberLoop& fibers, std::map<NodeId, Address> nodes);
  ~ClientNetwork();

  // Sends and waits (from a fiber); a node that is down, paused or cut off
  // simply never answers.
  CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns);
  // Every request at once; returns when all are answered or at the timeout.
  std::vector<CallResult> call_all(std::vector<CallRequest> requests, std::int64_t timeout_ns);
  NodeId last_client_node() const { return last_client_node_; }
  const std::vector<NodeId>& node_ids() const { return node_ids_; }
  FiberLoop& fibers() { return fibers_; }
  // Drops every connection (the nodes' addresses stay): after the hub's
  // namespace was left, or to start afresh.
  void disconnect();

 private:
  struct Waiting {
    std::uint32_t fiber;
    std::uint64_t generation;
    NodeId node;
    CallResult* result;
    std::size_t* missing;  // the call's unanswered requests: it wakes at 0
  };
  Connection* connection(NodeId node);
  void on_frame(NodeId node, Frame frame);

  FiberLoop& fibers_;
  std::map<NodeId, Address> nodes_;
  std::vector<NodeId> node_ids_;
  std::map<NodeId, std::unique_ptr<Connection>> connections_;
  std::unordered_map<std::uint64_t, Waiting> waiting_;
  std::uint64_t next_request_ = 1;
  NodeId last_client_node_ = kNoNode;
  friend class RealClientEnv;
};

class RealClientEnv final : public ClientEnv {
 public:
  RealClientEnv(ClientNetwork& network, sim::Prng random, const bool& stopping)
      : network_(network), random_(random), stopping_(stopping) {}
  std::int64_t now_ns() const override { return network_.fibers().now_ns(); }
  RandomSource& random() override { return random_; }
  void sleep_for(std::int64_t duration_ns) override { network_.fibers().sleep_for(duration_ns); }
  CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns) override {
    return network_.call(node, std::move(request), timeout_ns);
  }
  std::vector<CallResult> call_all(std::vector<CallRequest> requests,
                                   std::int64_t timeout_ns) override {
    return network_.call_all(std::move(requests), timeout_ns);
  }
  const std::vector<NodeId>& nodes() const override { return network_.node_ids(); }
  bool stopping() const override { return stopping_; }

 private:
  ClientNetwork& network_;
  sim::Prng random_;
  const bool& stopping_;
};

}  // namespace simlab::real

// A scriptable node for kernel tests: it records what it is given and does
// what the test tells it through public hooks, so each test shows one
// mechanism of the kernel in isolation.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/simulator.h"
#include "systems/common/node.h"

namespace simlab::sim::testing {

struct Seen {
  std::string what;  // "start", "message", "timer", "disk", "client"
  std::int64_t local_ns;
  std::uint64_t detail;
  DiskStatus status = DiskStatus::ok;
  Bytes bytes;
};

class ScriptNode final : public Node {
 public:
  using Hook = std::function<void(NodeContext&, const Seen&)>;
  explicit ScriptNode(NodeId /*id*/) {}
  void on_start(NodeContext& context) override { note(context, {"start", 0, 0, DiskStatus::ok, {}}); }
  void on_message(NodeContext& context, NodeId from, ByteView payload) override {
    note(context, {"message", 0, from, DiskStatus::ok, Bytes(payload.begin(), payload.end())});
  }
  void on_timer(NodeContext& context, TimerId timer) override { note(context, {"timer", 0, timer, DiskStatus::ok, {}}); }
  void on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes) override {
    note(context, {"disk", 0, op, status, Bytes(bytes.begin(), bytes.end())});
  }
  void on_client(NodeContext& context, RequestId request, ByteView payload) override {
    note(context, {"client", 0, request, DiskStatus::ok, Bytes(payload.begin(), payload.end())});
  }
  std::vector<Seen> seen;
  Hook hook;

 private:
  void note(NodeContext& context, Seen event) {
    event.local_ns = context.now_ns();
    seen.push_back(event);
    if (hook) hook(context, seen.back());
  }
};

// Builds ScriptNodes and lets the test reach each live one.
class ScriptFactory final : public SystemFactory {
 public:
  std::unique_ptr<Node> make_node(const NodeConfig& config) const override {
    auto node = std::make_unique<ScriptNode>(config.id);
    // hooks[0] is node 1's: node ids start at kFirstNodeId.
    const std::size_t slot = config.id - kFirstNodeId;
    if (hooks.size() > slot && hooks[slot]) node->hook = hooks[slot];
    latest[config.id] = node.get();
    return node;
  }
  std::vector<ScriptNode::Hook> hooks;
  mutable std::map<NodeId, ScriptNode*> latest;
};

inline SimConfig script_config(const ScriptFactory& factory, std::uint32_t nodes,
                               std::uint64_t seed = 1) {
  SimConfig config;
  config.seed = seed;
  config.node_count = nodes;
  config.factory = &factory;
  config.network_latency = LatencyModel::constant(1'000'000);
  return config;
}

inline Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace simlab::sim::testing

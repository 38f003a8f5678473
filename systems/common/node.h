// A system under test: a pure state machine driven by calls, answering with
// effects through the NodeContext (ARCHITECTURE.md, "A system under test is a
// state machine"). No sockets, clocks, threads or global randomness inside.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "systems/common/node_context.h"
#include "systems/common/types.h"
#include "systems/common/violation.h"

namespace simlab {

// What a node is told when it is built (again after every restart).
struct NodeConfig {
  NodeId id = 0;
  std::vector<NodeId> initial_members;  // the cluster at its first boot
  std::set<std::string> bugs;           // planted bugs switched on (--bug)
  // System-specific options, as a JSON object text (empty: defaults).
  std::string options_json;
};

class Node {
 public:
  virtual ~Node() = default;
  // Boot, or recover from whatever the disk kept.
  virtual void on_start(NodeContext& context) = 0;
  virtual void on_message(NodeContext& context, NodeId from, ByteView payload) = 0;
  virtual void on_timer(NodeContext& context, TimerId timer) = 0;
  virtual void on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status,
                            ByteView bytes) = 0;
  virtual void on_client(NodeContext& context, RequestId request, ByteView payload) = 0;
  // Called by the driver after every step; a violation ends the run.
  virtual std::optional<Violation> check_invariants() const { return std::nullopt; }
};

// Invariants that span nodes (Raft's "one leader per term"): called after
// every step with every node (nodes[id - kFirstNodeId]), nullptr for a node
// that is down. It may keep
// state across calls (e.g. every leader ever seen, per term).
class ClusterObserver {
 public:
  virtual ~ClusterObserver() = default;
  virtual std::optional<Violation> check(std::span<const Node* const> nodes) = 0;
};

// A planted bug (`--bug NAME`): a faithful copy of a failure documented in
// a real system, off unless NodeConfig.bugs names it.
struct PlantedBug {
  std::string_view name;
  std::string_view description;  // one line: what it does and the real failure
};

// How the harness builds a system by name.
class SystemFactory {
 public:
  virtual ~SystemFactory() = default;
  virtual std::unique_ptr<Node> make_node(const NodeConfig& config) const = 0;
  virtual std::unique_ptr<ClusterObserver> make_observer() const { return nullptr; }
  // Every planted bug of this system, its own list (a system built on
  // another one lists the lower system's bugs too).
  virtual std::vector<PlantedBug> planted_bugs() const { return {}; }
  // Empty if `options_json` (NodeConfig.options_json) is valid, else a
  // message naming the bad field: the harness rejects it before any run.
  virtual std::string options_error(std::string_view options_json) const;
  // Empty if valid options also fit a cluster of `nodes` (a log's
  // replication factor above its broker count does not), else a message
  // naming the field.
  virtual std::string cluster_error(std::string_view /*options_json*/,
                                    std::uint32_t /*nodes*/) const {
    return {};
  }
  // The largest cluster it supports.
  virtual std::uint32_t nodes_max() const { return 64; }
  // How many nodes of a cluster of `nodes` may have their synced data
  // damaged (a bit flipped on disk) in one run while the system, with these
  // valid options, still keeps every acknowledged write and stays available.
  // The nemesis damages at most this many nodes' disks (FoundationDB's
  // simulator likewise never destroys more than its replication policy can
  // survive). The default: every node (no promise to keep).
  virtual std::uint32_t damaged_disks_tolerated(std::string_view /*options_json*/,
                                                std::uint32_t nodes) const {
    return nodes;
  }
  // How many nodes of a cluster of `nodes` may lose their whole disk (a
  // replaced machine) in one run while the system, with these valid
  // options, keeps every acknowledged write and every promise its checker
  // holds it to. The nemesis empties at most this many nodes' disks. The
  // default: every node (no promise to keep).
  virtual std::uint32_t lost_disks_tolerated(std::string_view /*options_json*/,
                                             std::uint32_t nodes) const {
    return nodes;
  }
  // The nodes of a cluster of `nodes` that stand for a client's own device
  // (an offline replica): the nemesis cuts them off for long spells (the
  // offline fault) and never empties their disks. The default: none.
  virtual std::vector<NodeId> offline_nodes(std::string_view /*options_json*/,
                                            std::uint32_t /*nodes*/) const {
    return {};
  }
  // One line for a person (a failure's causal story): what a node-to-node
  // message, a client request or a reply to one says; empty when the
  // system cannot tell (the story then shows only its size).
  virtual std::string describe_message(ByteView /*payload*/) const { return {}; }
  virtual std::string describe_request(ByteView /*payload*/) const { return {}; }
  virtual std::string describe_reply(ByteView /*payload*/) const { return {}; }
};

}  // namespace simlab

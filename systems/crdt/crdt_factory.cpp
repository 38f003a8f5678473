#include <fmt/format.h>
#include <fmt/ranges.h>

#include "systems/crdt/crdt_node.h"
#include "systems/crdt/crdt_observer.h"

namespace simlab::crdt {
namespace {

std::string describe_state(const ReplicaState& state) {
  std::vector<std::string> parts;
  for (const auto& [key, counter] : state.counters)
    parts.push_back(fmt::format("counter {} = {}", key, counter.value()));
  for (const auto& [key, value] : state.registers)
    parts.push_back(fmt::format("register {} = {}", key, value.value()));
  for (const auto& [key, value] : state.mv_registers)
    parts.push_back(fmt::format("mv-register {} = {}", key, value.values()));
  for (const auto& [key, set] : state.sets)
    parts.push_back(fmt::format("set {} = {}", key,
                                set.elements().size() <= 8
                                    ? fmt::format("{}", set.elements())
                                    : fmt::format("{} elements", set.elements().size())));
  return fmt::format("{}", fmt::join(parts, ", "));
}

CrdtRoles roles_of(std::string_view options_json, std::uint32_t nodes) {
  CrdtOptions options;
  parse_crdt_options(options_json, options);  // options_error has said if they were bad
  return crdt_roles(options, nodes);
}

}  // namespace

std::string CrdtFactory::options_error(std::string_view options_json) const {
  CrdtOptions options;
  return parse_crdt_options(options_json, options);
}

std::string CrdtFactory::cluster_error(std::string_view options_json, std::uint32_t nodes) const {
  CrdtOptions options;
  if (!parse_crdt_options(options_json, options).empty()) return {};
  if (options.offline_replicas < nodes) return {};
  return fmt::format(
      "crdt.offline_replicas: {} offline replicas leave no server in a cluster of {}",
      options.offline_replicas, nodes);
}

std::uint32_t CrdtFactory::lost_disks_tolerated(std::string_view options_json,
                                                std::uint32_t nodes) const {
  return roles_of(options_json, nodes).servers.size() >= 2 ? 1 : 0;
}

std::vector<NodeId> CrdtFactory::offline_nodes(std::string_view options_json,
                                               std::uint32_t nodes) const {
  return roles_of(options_json, nodes).offline;
}

std::unique_ptr<Node> CrdtFactory::make_node(const NodeConfig& config) const {
  return std::make_unique<CrdtNode>(config);
}

std::unique_ptr<ClusterObserver> CrdtFactory::make_observer() const {
  return std::make_unique<CrdtObserver>();
}

std::vector<PlantedBug> CrdtFactory::planted_bugs() const {
  return {PlantedBug{kDeltaLostBug,
                     "a write committed in a batch behind another write to the same key is applied "
                     "but never shipped "
                     "to the other replicas (Akka distributed data's lost delta)"},
          PlantedBug{kOrswotDescendsBug,
                     "the set merge takes \"descends\" as \"strictly descends\", so a remove "
                     "shipped as a delta removes nothing on the other replicas and the element "
                     "comes back (riak_dt pull request 78)"},
          PlantedBug{kRemoveKeepsCommonDotsBug,
                     "the set merge keeps both sides' dots of an element both sides hold, so a "
                     "dot one side removed lives on and a later remove leaves the element "
                     "(riak_dt pull request 82)"},
          PlantedBug{kLwwWallClockBug,
                     "a register write is stamped with the node's clock alone, not the hybrid "
                     "logical clock, so behind a skewed clock a write loses to one its own client "
                     "had read and is silently dropped"},
          PlantedBug{kActorReuseBug,
                     "a replica that lost its disk writes again under its old actor id with its "
                     "counters at zero, so the other replicas take its new dots for ones they "
                     "have seen and its new writes vanish (Riak KV issue 679)"},
          PlantedBug{kSyncFalseInSyncBug,
                     "the offline sync decides a key is in sync from its heads (a set's causal "
                     "context) alone, so a remove, which changes no heads, never reaches an "
                     "offline replica and the two stay different for good (Automerge issue 870)"}};
}

std::string CrdtFactory::describe_message(ByteView payload) const {
  const auto message = decode_peer(payload);
  if (!message) return "";
  if (message->kind == PeerKind::ack) return fmt::format("ack deltas up to {}", message->sequence);
  if (message->kind == PeerKind::resync) return "resync: my disk was empty, send your whole state";
  if (message->kind == PeerKind::sync || message->kind == PeerKind::sync_reply)
    return fmt::format("{} {}: {} keys summed up; {}",
                       message->kind == PeerKind::sync ? "sync request" : "sync reply",
                       message->sequence, message->digests.size(), describe_state(message->state));
  return fmt::format("{} up to {}: {}", message->full_state ? "whole state" : "deltas",
                     message->sequence, describe_state(message->state));
}

std::string CrdtFactory::describe_request(ByteView payload) const {
  const auto request = decode_request(payload);
  if (!request) return "";
  switch (request->op) {
    case ClientOp::counter_add:
      return fmt::format("add {} to counter {}", request->value, request->key);
    case ClientOp::counter_read:
      return fmt::format("read counter {}", request->key);
    case ClientOp::set_add:
      return fmt::format("add {} to set {}", request->value, request->key);
    case ClientOp::set_remove:
      return fmt::format("remove {} from set {}", request->value, request->key);
    case ClientOp::set_read:
      return fmt::format("read set {}", request->key);
    case ClientOp::register_write:
      return fmt::format("write {} to register {}", request->value, request->key);
    case ClientOp::register_read:
      return fmt::format("read register {}", request->key);
    case ClientOp::mv_write:
      return fmt::format("write {} to mv-register {}", request->value, request->key);
    case ClientOp::mv_read:
      return fmt::format("read mv-register {}", request->key);
  }
  return "";
}

std::string CrdtFactory::describe_reply(ByteView payload) const {
  const auto reply = decode_reply(payload);
  if (!reply) return "";
  if (reply->status == ClientStatus::not_ready) return "not ready (recovering or rebuilding)";
  if (reply->status == ClientStatus::not_found) return "not found";
  if (!reply->elements.empty()) return fmt::format("ok {} elements", reply->elements.size());
  return fmt::format("ok {}", reply->value);
}

}  // namespace simlab::crdt

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
  for (const auto& [key, set] : state.sets)
    parts.push_back(fmt::format("set {} = {}", key,
                                set.elements().size() <= 8
                                    ? fmt::format("{}", set.elements())
                                    : fmt::format("{} elements", set.elements().size())));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

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
                     "had read and is silently dropped"}};
}

std::string CrdtFactory::describe_message(ByteView payload) const {
  const auto message = decode_peer(payload);
  if (!message) return "";
  if (message->kind == PeerKind::ack) return fmt::format("ack deltas up to {}", message->sequence);
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
  }
  return "";
}

std::string CrdtFactory::describe_reply(ByteView payload) const {
  const auto reply = decode_reply(payload);
  if (!reply) return "";
  if (reply->status == ClientStatus::not_ready) return "not ready (recovering)";
  if (reply->status == ClientStatus::not_found) return "not found";
  if (!reply->elements.empty()) return fmt::format("ok {} elements", reply->elements.size());
  return fmt::format("ok {}", reply->value);
}

}  // namespace simlab::crdt

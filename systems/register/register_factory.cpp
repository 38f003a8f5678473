#include <fmt/format.h>

#include "systems/register/register_node.h"

namespace simlab::register_demo {
namespace {

// Committed entries never change: whenever the primary is up, the prefix it
// has committed must extend every prefix it committed before.
class RegisterObserver final : public ClusterObserver {
 public:
  std::optional<Violation> check(std::span<const Node* const> nodes) override {
    // `nodes` is indexed by id - kFirstNodeId.
    const std::size_t slot = kPrimary - kFirstNodeId;
    if (nodes.size() <= slot || nodes[slot] == nullptr) return std::nullopt;
    const auto* primary = static_cast<const RegisterNode*>(nodes[slot]);
    const auto& log = primary->log();
    const std::uint64_t commit = primary->commit_index();
    for (std::uint64_t index = 0; index < std::min<std::uint64_t>(commit, committed_.size());
         ++index) {
      if (log[index] != committed_[index]) {
        return Violation{"register.committed-entry-changed",
                         fmt::format("entry {} was committed as {}, now {}", index + 1,
                                     committed_[index], log[index]),
                         kPrimary};
      }
    }
    for (std::uint64_t index = committed_.size(); index < commit; ++index) {
      committed_.push_back(log[index]);
    }
    return std::nullopt;
  }

 private:
  std::vector<std::int64_t> committed_;
};

}  // namespace

std::unique_ptr<Node> RegisterFactory::make_node(const NodeConfig& config) const {
  return std::make_unique<RegisterNode>(config);
}

std::unique_ptr<ClusterObserver> RegisterFactory::make_observer() const {
  return std::make_unique<RegisterObserver>();
}

std::vector<PlantedBug> RegisterFactory::planted_bugs() const {
  return {PlantedBug{kStaleReadBug,
                     "backups answer reads from their own copy, which may lag the primary"}};
}

std::string RegisterFactory::describe_message(ByteView payload) const {
  const auto message = decode_peer(payload);
  if (!message) return "";
  if (message->kind == PeerKind::ack) return "ack up to entry " + std::to_string(message->index);
  return "replicate entry " + std::to_string(message->index) + " = " +
         std::to_string(message->value);
}

std::string RegisterFactory::describe_request(ByteView payload) const {
  const auto request = decode_request(payload);
  if (!request) return "";
  switch (request->op) {
    case ClientOp::read:
      return "read";
    case ClientOp::write:
      return "write " + std::to_string(request->first);
    case ClientOp::cas:
      return "cas " + std::to_string(request->first) + "->" + std::to_string(request->second);
  }
  return "";
}

std::string RegisterFactory::describe_reply(ByteView payload) const {
  const auto reply = decode_reply(payload);
  if (!reply) return "";
  switch (reply->status) {
    case ReplyStatus::ok:
      return reply->value ? "ok " + std::to_string(*reply->value) : "ok";
    case ReplyStatus::cas_mismatch:
      return "cas mismatch";
    case ReplyStatus::not_primary:
      return "not the primary";
  }
  return "";
}

}  // namespace simlab::register_demo

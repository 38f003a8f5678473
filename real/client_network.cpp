#include "real/client_network.h"

namespace simlab::real {

ClientNetwork::ClientNetwork(FiberLoop& fibers, std::map<NodeId, Address> nodes)
    : fibers_(fibers), nodes_(std::move(nodes)) {
  for (const auto& [id, address] : nodes_) node_ids_.push_back(id);
}

ClientNetwork::~ClientNetwork() { disconnect(); }

void ClientNetwork::disconnect() { connections_.clear(); }

Connection* ClientNetwork::connection(NodeId node) {
  auto& slot = connections_[node];
  if (slot && slot->open()) return slot.get();
  const int fd = start_connect(nodes_.at(node));
  if (fd < 0) return nullptr;
  slot = std::make_unique<Connection>(
      fibers_.events(), fd, true,
      [this, node](Connection&, Frame frame) { on_frame(node, std::move(frame)); },
      [](Connection&) {});  // waiting calls time out; the next call reconnects
  slot->send(Frame{FrameType::hello_client, 0, {}});
  return slot.get();
}

void ClientNetwork::on_frame(NodeId node, Frame frame) {
  if (frame.type != FrameType::client_reply) return;
  auto found = waiting_.find(frame.id);
  if (found == waiting_.end() || found->second.node != node) return;  // its caller gave up
  const Waiting waiting = found->second;
  waiting_.erase(found);
  *waiting.reply = std::move(frame.payload);
  *waiting.answered = true;
  last_client_node_ = node;
  fibers_.wake(waiting.fiber, waiting.generation);
}

CallResult ClientNetwork::call(NodeId node, Bytes request, std::int64_t timeout_ns) {
  if (!nodes_.contains(node))
    throw std::out_of_range("call to unknown node " + std::to_string(node));
  const std::int64_t deadline_ns = fibers_.now_ns() + timeout_ns;
  Connection* link = connection(node);
  if (link == nullptr) {  // cannot even connect: as long as a lost request
    fibers_.sleep_for(timeout_ns);
    return CallResult{};
  }
  const std::uint64_t id = next_request_++;
  Bytes reply;
  bool answered = false;
  const std::uint64_t generation = fibers_.prepare_wait();
  waiting_[id] = Waiting{fibers_.current(), generation, node, &reply, &answered};
  link->send(Frame{FrameType::client_request, id, std::move(request)});
  fibers_.wait(generation, deadline_ns);
  waiting_.erase(id);
  if (!answered) return CallResult{};
  return CallResult{CallResult::Status::ok, std::move(reply)};
}

}  // namespace simlab::real

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
  *waiting.result = CallResult{CallResult::Status::ok, std::move(frame.payload)};
  last_client_node_ = node;
  if (--*waiting.missing == 0) fibers_.wake(waiting.fiber, waiting.generation);
}

CallResult ClientNetwork::call(NodeId node, Bytes request, std::int64_t timeout_ns) {
  std::vector<CallRequest> requests;
  requests.push_back(CallRequest{node, std::move(request)});
  return std::move(call_all(std::move(requests), timeout_ns)[0]);
}

// A node that cannot even be connected to is as a lost request: its result
// stays a timeout, and the call still waits out the others (or the timeout).
std::vector<CallResult> ClientNetwork::call_all(std::vector<CallRequest> requests,
                                                std::int64_t timeout_ns) {
  for (const CallRequest& request : requests)
    if (!nodes_.contains(request.node))
      throw std::out_of_range("call to unknown node " + std::to_string(request.node));
  const std::int64_t deadline_ns = fibers_.now_ns() + timeout_ns;
  std::vector<CallResult> results(requests.size());
  std::size_t missing = requests.size();
  std::vector<std::uint64_t> ids;
  const std::uint64_t generation = fibers_.prepare_wait();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    Connection* link = connection(requests[i].node);
    if (link == nullptr) continue;
    const std::uint64_t id = next_request_++;
    ids.push_back(id);
    waiting_[id] = Waiting{fibers_.current(), generation, requests[i].node, &results[i], &missing};
    link->send(Frame{FrameType::client_request, id, std::move(requests[i].request)});
  }
  if (!requests.empty()) fibers_.wait(generation, deadline_ns);
  for (const std::uint64_t id : ids) waiting_.erase(id);
  return results;
}

}  // namespace simlab::real

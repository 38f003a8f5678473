// Fibers, scheduled actions and the process-level faults (crash, restart,
// pause).
#include <fmt/format.h>

#include "sim/host_context.h"
#include "sim/simulator.h"

namespace simlab::sim {

Fiber& Simulator::spawn(std::string name, std::function<void()> body) {
  const auto id = static_cast<std::uint32_t>(fibers_.size());
  fibers_.push_back(std::make_unique<Fiber>(std::move(name), std::move(body)));
  Fiber& fiber = *fibers_.back();
  causal_.name_fiber(id, fiber.name());
  queue_.push(now_ns_, EventKind::fiber_wake, id, fiber.generation, 0);
  return fiber;
}

void Simulator::at(std::int64_t time_ns, std::function<void()> action) {
  const std::uint64_t slot = store(callbacks_, free_callbacks_, std::move(action));
  queue_.push(time_ns < now_ns_ ? now_ns_ : time_ns, EventKind::callback, 0, slot, 0);
}

void Simulator::resume_fiber(std::uint32_t id) {
  Fiber& fiber = *fibers_[id];
  const std::int64_t outer = current_fiber_;
  current_fiber_ = id;
  fiber.resume();
  current_fiber_ = outer;
  if (fiber.failed()) fail_internal(fmt::format("fiber '{}' failed: {}", fiber.name(), fiber.error()));
}

void Simulator::sleep_for(std::int64_t duration_ns) {
  if (current_fiber_ < 0) throw std::logic_error("sleep_for called outside a fiber");
  Fiber& fiber = *fibers_[current_fiber_];
  const std::uint64_t generation = ++fiber.generation;
  queue_.push(now_ns_ + (duration_ns < 0 ? 0 : duration_ns), EventKind::fiber_wake,
              static_cast<std::uint32_t>(current_fiber_), generation, 0);
  fiber.suspend();
}

CallResult Simulator::call(NodeId node, Bytes request, std::int64_t timeout_ns) {
  return call(node, std::move(request), timeout_ns, client_network_random_);
}

CallResult Simulator::call(NodeId node, Bytes request, std::int64_t timeout_ns,
                           Prng& latency_random) {
  std::vector<CallRequest> requests;
  requests.push_back(CallRequest{node, std::move(request)});
  return std::move(call_all(std::move(requests), timeout_ns, latency_random)[0]);
}

// The requests take consecutive ids, so a reply finds its slot by
// subtraction. Request i's latency is keyed by its rank i as well, so a
// pipeline to one node does not arrive in lockstep.
std::vector<CallResult> Simulator::call_all(std::vector<CallRequest> requests,
                                            std::int64_t timeout_ns, Prng& latency_random) {
  if (current_fiber_ < 0) throw std::logic_error("call made outside a fiber");
  if (requests.empty()) return {};
  for (const CallRequest& request : requests)
    if (!is_node(request.node))
      throw std::out_of_range(fmt::format("call to unknown node {}", request.node));
  const auto fiber_id = static_cast<std::uint32_t>(current_fiber_);
  Fiber& fiber = *fibers_[fiber_id];
  const RequestId first = next_request_;
  next_request_ += requests.size();
  fiber.awaited_first = first;
  fiber.replies.assign(requests.size(), std::nullopt);
  fiber.replies_missing = requests.size();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const RequestId request_id = first + i;
    const NodeId node = requests[i].node;
    request_fibers_[request_id] = PendingCall{fiber_id, &latency_random};
    Prng draws = keyed_draws(latency_random,
                             event_key(fold64(node, 0), now_ns_, static_cast<std::uint32_t>(i)));
    const std::int64_t latency_ns = config_.client_latency.sample(draws);
    const std::uint64_t slot =
        store(client_messages_, free_client_messages_,
              ClientMessage{fiber_id, node, request_id, std::move(requests[i].request), -1});
    queue_.push(now_ns_ + latency_ns, EventKind::client_request, node, slot, 0);
  }
  const std::uint64_t generation = ++fiber.generation;
  queue_.push(now_ns_ + timeout_ns, EventKind::fiber_wake, fiber_id, generation, 0);
  fiber.suspend();
  fiber.awaited_first = 0;
  std::vector<CallResult> results(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    request_fibers_.erase(first + i);
    if (fiber.replies[i])
      results[i] = CallResult{CallResult::Status::ok, std::move(*fiber.replies[i])};
  }
  fiber.replies.clear();
  return results;
}

std::unique_ptr<ClientEnv> Simulator::client_env(std::string_view stream_name) {
  return std::make_unique<SimClientEnv>(*this, root_.split(stream_name));
}

void Simulator::drop_process(Host& host) {
  host.node.reset();
  node_views_[host.id - kFirstNodeId] = nullptr;
  ++host.incarnation;  // disk completions and timers of the old process are void
  host.timers.clear();
  host.paused_until_ns = 0;
  host.deferred_messages = 0;
}

CrashOutcome Simulator::crash(NodeId id, bool lose_all_unsynced) {
  Host& host = this->host(id);
  if (!host.node) return {};
  drop_process(host);
  CrashOutcome outcome = host.disk.crash(host.disk_random, lose_all_unsynced);
  trace_.record(now_ns_, EventKind::callback, id, 0, 0xC4A5'0000ull + outcome.writes.size());
  trace_.line(fmt::format("{:>15} n{}: CRASH ({} unsynced writes decided)", now_ns_, id,
                          outcome.writes.size()));
  return outcome;
}

void Simulator::record_audit(NodeId node, std::string_view key, std::string_view entry) {
  if (audit_.size() >= kAuditRecordsMax) {
    ++audit_dropped_;
    return;
  }
  audit_.push_back(AuditRecord{now_ns_, node, std::string(key), std::string(entry)});
}

void Simulator::lose_disk(NodeId id) {
  Host& host = this->host(id);
  if (host.node) drop_process(host);
  host.disk.lose_everything();
  trace_.record(now_ns_, EventKind::callback, id, 0, 0xD15C'1055ull);
  trace_.line(fmt::format("{:>15} n{}: CRASH, DISK LOST", now_ns_, id));
}

void Simulator::restart(NodeId id) {
  Host& host = this->host(id);
  if (host.node) return;
  trace_.line(fmt::format("{:>15} n{}: RESTART", now_ns_, id));
  boot(host);
}

void Simulator::pause(NodeId id, std::int64_t duration_ns) {
  Host& host = this->host(id);
  if (!host.node) return;
  host.paused_until_ns = std::max(host.paused_until_ns, now_ns_ + duration_ns);
  trace_.line(fmt::format("{:>15} n{}: PAUSE until {}", now_ns_, id, host.paused_until_ns));
}

}  // namespace simlab::sim

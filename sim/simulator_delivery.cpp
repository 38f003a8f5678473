// How each kind of event reaches a node, and the effects a node asks for.
#include <fmt/format.h>

#include "sim/hash.h"
#include "sim/host_context.h"
#include "sim/simulator.h"

namespace simlab::sim {

void Simulator::send(NodeId from, NodeId to, Bytes payload) {
  if (!is_node(to)) {
    // A real network would not route it either; the node's own judge says why.
    if (config_.node_invariants) {
      record_finding(WhiteBoxFinding::Judge::nodes, "node.send-to-unknown-node",
                     fmt::format("n{} sent to n{}", from, to), from);
    }
    return;
  }
  Prng draws = keyed_draws(network_random_, send_draw_key(from, to));
  const auto deliveries = network_.plan_send(from, to, now_ns_, draws);
  for (std::uint32_t copy = 0; copy < deliveries.count; ++copy) {
    InFlightMessage message{from, to, copy + 1 < deliveries.count ? payload : std::move(payload),
                            false, causal_.current()};
    if (deliveries.items[copy].corrupted) Network::corrupt_payload(message.payload, draws);
    const std::uint64_t slot = store(messages_, free_messages_, std::move(message));
    queue_.push(deliveries.items[copy].time_ns, EventKind::message, to, slot, 0);
  }
}

std::uint64_t Simulator::send_draw_key(NodeId from, NodeId to) {
  std::vector<InstantRank>& ranks = host(from).send_ranks;
  if (ranks.size() <= to) ranks.resize(std::size_t{to} + 1);
  const std::uint64_t channel = fold64(from, to);
  return event_key(channel, now_ns_, ranks[to].next(now_ns_));
}

void Simulator::deliver_message(const Event& event) {
  InFlightMessage& message = messages_[event.a];
  Host& host = this->host(message.to);
  if (host.paused_until_ns > now_ns_ && host.node) {
    if (!message.deferred_by_pause) {
      if (host.deferred_messages >= config_.inbox_max) {
        network_.arrive(message.from, message.to, now_ns_);  // leaves the link
        free_messages_.push_back(event.a);
        return;
      }
      message.deferred_by_pause = true;
      ++host.deferred_messages;
    }
    queue_.push(host.paused_until_ns, event.kind, event.target, event.a, event.b);
    return;
  }
  const Network::Arrival arrival = network_.arrive(message.from, message.to, now_ns_);
  if (arrival == Network::Arrival::defer) {
    queue_.push(network_.clog_until_ns(message.from, message.to), event.kind, event.target,
                event.a, event.b);
    return;
  }
  if (message.deferred_by_pause) --host.deferred_messages;
  const InFlightMessage delivered = std::move(message);
  free_messages_.push_back(event.a);
  if (arrival == Network::Arrival::drop || !host.node) return;
  trace_.record(now_ns_, EventKind::message, delivered.to, delivered.from,
                bytes_hash64(delivered.payload));
  if (causal_.on())
    causal_.begin({now_ns_, CausalKind::message, delivered.to, delivered.from, 0, delivered.cause,
                   delivered.payload});
  step_node(host, [&] { host.node->on_message(*host.context, delivered.from, delivered.payload); });
  causal_.end();
}

void Simulator::set_timer(Host& host, TimerId id, std::int64_t after_local_ns) {
  const std::uint64_t generation = ++timer_generation_;
  host.timers[id] = generation;
  if (causal_.on()) host.timer_causes[id] = causal_.current();
  const std::int64_t delay_ns = host.clock.true_duration_ns(after_local_ns < 0 ? 0 : after_local_ns);
  queue_.push(now_ns_ + delay_ns, EventKind::timer, host.id, id, generation);
}

void Simulator::deliver_timer(const Event& event) {
  Host& host = this->host(event.target);
  auto it = host.timers.find(event.a);
  if (it == host.timers.end() || it->second != event.b) return;  // cancelled or replaced
  if (defer_if_paused(host, event)) return;
  host.timers.erase(it);
  trace_.record(now_ns_, EventKind::timer, host.id, 0, event.a);
  if (causal_.on())
    causal_.begin({now_ns_, CausalKind::timer, host.id, 0, 0, host.timer_causes[event.a], {}});
  step_node(host, [&] { host.node->on_timer(*host.context, event.a); });
  causal_.end();
}

DiskOpId Simulator::issue_disk_op(Host& host, VirtualDisk::OpKind kind, const std::string& file,
                                  std::uint64_t offset, std::uint64_t length, Bytes bytes) {
  const DiskOpId id = host.next_disk_op++;
  const std::uint64_t draw_key = event_key(host.id, now_ns_, host.disk_rank.next(now_ns_));
  Prng draws = keyed_draws(host.disk_random, draw_key);
  const std::int64_t done_ns = host.disk.completion_ns(kind, now_ns_, draws);
  const std::uint64_t slot = store(disk_ops_, free_disk_ops_,
                                   DiskOp{host.id, host.incarnation, id, kind, file, offset, length,
                                          std::move(bytes), causal_.current(), draw_key});
  queue_.push(done_ns, EventKind::disk_done, host.id, slot, 0);
  return id;
}

void Simulator::deliver_disk_done(const Event& event) {
  Host& host = this->host(event.target);
  if (disk_ops_[event.a].incarnation != host.incarnation) {  // issued before a crash
    free_disk_ops_.push_back(event.a);
    return;
  }
  if (defer_if_paused(host, event)) return;
  DiskOp op = std::move(disk_ops_[event.a]);
  free_disk_ops_.push_back(event.a);
  Bytes read_bytes;
  DiskStatus status = DiskStatus::ok;
  // Its completion's draws (errors, corruption) follow from its issue's key.
  Prng draws = keyed_draws(host.disk_random, fold64(op.draw_key, 1));
  switch (op.kind) {
    case VirtualDisk::OpKind::write:
      status = host.disk.write(op.file, op.offset, op.bytes, draws);
      break;
    case VirtualDisk::OpKind::fsync: status = host.disk.fsync(op.file); break;
    case VirtualDisk::OpKind::read:
      status = host.disk.read(op.file, op.offset, op.length, read_bytes, draws);
      break;
    case VirtualDisk::OpKind::truncate: status = host.disk.truncate(op.file, op.offset); break;
  }
  trace_.record(now_ns_, EventKind::disk_done, host.id, static_cast<std::uint32_t>(status),
                fold64(op.id, bytes_hash64(read_bytes)));
  if (causal_.on()) causal_.begin({now_ns_, CausalKind::disk_done, host.id, 0, 0, op.cause, {}});
  step_node(host, [&] { host.node->on_disk_done(*host.context, op.id, status, read_bytes); });
  causal_.end();
}

void Simulator::deliver_client_request(const Event& event) {
  Host& host = this->host(event.target);
  if (!host.node) {  // a down node never answers: the client times out
    request_fibers_.erase(client_messages_[event.a].request);
    free_client_messages_.push_back(event.a);
    return;
  }
  if (defer_if_paused(host, event)) return;
  ClientMessage message = std::move(client_messages_[event.a]);
  free_client_messages_.push_back(event.a);
  trace_.record(now_ns_, EventKind::client_request, host.id, message.fiber,
                fold64(message.request, bytes_hash64(message.payload)));
  if (causal_.on())
    causal_.begin(
        {now_ns_, CausalKind::client_request, host.id, 0, message.fiber, -1, message.payload});
  step_node(host,
            [&] { host.node->on_client(*host.context, message.request, message.payload); });
  causal_.end();
}

void Simulator::reply(NodeId from, RequestId request, Bytes response) {
  auto it = request_fibers_.find(request);
  if (it == request_fibers_.end()) return;  // the client gave up and went away
  const PendingCall pending = it->second;
  request_fibers_.erase(it);
  // Keyed by the caller's own stream (its base), the node and the time, not
  // by fiber ids, which differ between a generated and a scripted run.
  Prng draws = keyed_draws(*pending.latency_random, event_key(fold64(from, 1), now_ns_, 0));
  const std::int64_t latency_ns = config_.client_latency.sample(draws);
  const std::uint64_t slot =
      store(client_messages_, free_client_messages_,
            ClientMessage{pending.fiber, from, request, std::move(response), causal_.current()});
  queue_.push(now_ns_ + latency_ns, EventKind::client_reply, pending.fiber, slot, 0);
}

void Simulator::deliver_client_reply(const Event& event) {
  ClientMessage message = std::move(client_messages_[event.a]);
  free_client_messages_.push_back(event.a);
  Fiber& fiber = *fibers_[message.fiber];
  const std::uint64_t slot = message.request - fiber.awaited_first;
  const bool awaited = !fiber.finished() && fiber.awaited_first != 0 &&
                       message.request >= fiber.awaited_first && slot < fiber.replies.size() &&
                       !fiber.replies[slot];
  if (!awaited) return;  // timed out
  trace_.record(now_ns_, EventKind::client_reply, message.fiber, 0,
                fold64(message.request, bytes_hash64(message.payload)));
  last_client_node_ = message.node;
  if (causal_.on()) {
    causal_.begin({now_ns_, CausalKind::client_reply, message.node, 0, message.fiber, message.cause,
                   message.payload});
    causal_.end();
  }
  fiber.replies[slot] = std::move(message.payload);
  if (--fiber.replies_missing > 0) return;  // the call waits for the rest
  ++fiber.generation;  // the pending timeout is now stale
  resume_fiber(message.fiber);
}

bool Simulator::buggify(Host& host, std::string_view site) {
  if (!config_.buggify) return false;
  // FoundationDB's two levels: a site is active in a quarter of runs (decided
  // by the seed and the site's name alone), and an active site fires on 5% of
  // the times it is reached.
  const std::uint64_t site_draw = fold64(config_.seed, name_hash64(site));
  if (site_draw % 4 != 0) return false;
  return host.buggify_random.chance(0.05);
}

}  // namespace simlab::sim

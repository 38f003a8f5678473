#include "sim/simulator.h"

#include <cassert>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/hash.h"
#include "sim/host_context.h"

namespace simlab::sim {

Simulator::Host::Host(NodeId node_id, const SimConfig& config, const Prng& root)
    : id(node_id),
      disk(config.disk),
      random(root.split("node", node_id)),
      buggify_random(root.split("buggify", node_id)),
      disk_random(root.split("disk", node_id)) {}

Simulator::Simulator(SimConfig config)
    : config_(std::move(config)),
      root_(config_.seed),
      network_random_(root_.split("network")),
      client_network_random_(root_.split("client-network")),
      network_(config_.node_count, config_.network_latency),
      trace_(config_.keep_trace_lines, config_.keep_trace_records),
      causal_(config_.keep_causal_log) {
  if (config_.factory == nullptr) throw std::invalid_argument("SimConfig.factory is null");
  for (NodeId id = kFirstNodeId; id < kFirstNodeId + config_.node_count; ++id) {
    node_ids_.push_back(id);
    hosts_.push_back(std::make_unique<Host>(id, config_, root_));
    hosts_.back()->context = std::make_unique<HostContext>(*this, *hosts_.back());
  }
  node_views_.assign(config_.node_count, nullptr);
  observer_ = config_.factory->make_observer();
}

Simulator::~Simulator() {
  // Unwind suspended fibers while everything they touch still lives.
  for (auto& fiber : fibers_) fiber->cancel();
  fibers_.clear();
}

void Simulator::boot(Host& host) {
  NodeConfig node_config = config_.node_template;
  node_config.id = host.id;
  node_config.initial_members = node_ids_;
  host.node = config_.factory->make_node(node_config);
  node_views_[host.id - kFirstNodeId] = host.node.get();
  causal_.begin({now_ns_, CausalKind::start, host.id, 0, 0, -1, {}});
  step_node(host, [&] { host.node->on_start(*host.context); });
  causal_.end();
}

void Simulator::start() {
  for (auto& host : hosts_) {
    if (failure_) return;
    boot(*host);
  }
}

bool Simulator::run_until(std::int64_t time_ns) {
  return run_until(time_ns, [] { return false; });
}

bool Simulator::run_until(std::int64_t time_ns, const std::function<bool()>& done) {
  while (!failure_ && !queue_.empty() && queue_.top().time_ns <= time_ns) {
    const Event event = queue_.pop();
    assert(event.time_ns >= now_ns_);
    now_ns_ = event.time_ns;
    dispatch(event);
    if (done()) return !failure_;
  }
  if (!failure_ && now_ns_ < time_ns) now_ns_ = time_ns;
  return !failure_;
}

bool Simulator::dispatch(const Event& event) {
  switch (event.kind) {
    case EventKind::message: deliver_message(event); break;
    case EventKind::timer: deliver_timer(event); break;
    case EventKind::disk_done: deliver_disk_done(event); break;
    case EventKind::client_request: deliver_client_request(event); break;
    case EventKind::client_reply: deliver_client_reply(event); break;
    case EventKind::fiber_wake: {
      Fiber& fiber = *fibers_[event.target];
      if (fiber.generation != event.a || fiber.finished()) break;
      trace_.record(now_ns_, event.kind, event.target, 0, event.a);
      resume_fiber(event.target);
      break;
    }
    case EventKind::callback: {
      std::function<void()> action = std::move(callbacks_[event.a]);
      free_callbacks_.push_back(event.a);
      trace_.record(now_ns_, event.kind, 0, 0, event.a);
      action();
      break;
    }
  }
  return !failure_;
}

bool Simulator::defer_if_paused(Host& host, const Event& event) {
  if (host.paused_until_ns <= now_ns_) return false;
  queue_.push(host.paused_until_ns, event.kind, event.target, event.a, event.b);
  return true;
}

const char* white_box_judge_name(WhiteBoxFinding::Judge judge) {
  return judge == WhiteBoxFinding::Judge::nodes ? "nodes" : "observer";
}

void Simulator::check_node(Host& host) {
  if (!config_.node_invariants || !host.node) return;
  try {
    if (auto violation = host.node->check_invariants()) {
      record_finding(WhiteBoxFinding::Judge::nodes, violation->invariant, violation->detail,
                     violation->node.value_or(host.id));
    }
  } catch (const AssertionFailure& failure) {
    record_finding(WhiteBoxFinding::Judge::nodes, failure.invariant(), failure.detail(), host.id);
  }
}

void Simulator::check_cluster(NodeId node) {
  if (!config_.observer || !observer_ || finding_) return;
  if (auto violation = observer_->check(node_views_)) {
    record_finding(WhiteBoxFinding::Judge::observer, violation->invariant, violation->detail,
                   violation->node.value_or(node));
  }
}

// Findings add no trace record: the run (and its trace hash) is the same
// whichever judges watch it.
void Simulator::record_finding(WhiteBoxFinding::Judge judge, std::string invariant,
                               std::string detail, std::optional<NodeId> node) {
  if (finding_) return;
  trace_.line(fmt::format("{:>15} VIOLATION ({}) {} on n{}: {}", now_ns_,
                          white_box_judge_name(judge), invariant,
                          node ? static_cast<std::int64_t>(*node) : -1, detail));
  finding_ = WhiteBoxFinding{judge, invariant, detail, node, now_ns_};
  if (config_.stop_at_first_violation) fail_safety(std::move(invariant), std::move(detail), node);
}

// The node's process dies as an assert would kill it: in-flight disk
// operations are void, the disk keeps what it had (the page cache survives
// a process's death), and a supervisor restarts it a moment later.
void Simulator::abort_node(Host& host, std::string invariant, std::string detail) {
  if (config_.node_invariants && !finding_) {
    record_finding(WhiteBoxFinding::Judge::nodes, invariant, detail, host.id);
    if (failure_) return;
  }
  aborts_.push_back(NodeAbort{host.id, now_ns_, invariant, detail});
  trace_.record(now_ns_, EventKind::callback, host.id, 0, 0xAB0A'0000ull + aborts_.size());
  trace_.line(fmt::format("{:>15} n{}: ABORT {}: {}", now_ns_, host.id, invariant, detail));
  drop_process(host);
  const NodeId id = host.id;
  const std::uint64_t incarnation = host.incarnation;
  at(now_ns_ + config_.abort_restart_ns, [this, id, incarnation] {
    if (this->host(id).incarnation == incarnation) restart(id);
  });
}

void Simulator::fail_safety(std::string invariant, std::string detail,
                            std::optional<NodeId> node) {
  if (failure_) return;
  trace_.line(fmt::format("{:>15} STOP at the first violation: {} on n{}", now_ns_, invariant,
                          node ? static_cast<std::int64_t>(*node) : -1));
  failure_ = RunFailure{RunFailure::Kind::safety, std::move(invariant), std::move(detail), node,
                        now_ns_};
}

void Simulator::fail_internal(std::string detail) {
  if (failure_) return;
  trace_.line(fmt::format("{:>15} INTERNAL ERROR: {}", now_ns_, detail));
  failure_ = RunFailure{RunFailure::Kind::internal, "internal-error", std::move(detail),
                        std::nullopt, now_ns_};
}

}  // namespace simlab::sim

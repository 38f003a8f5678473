// The NodeContext a simulated node steps with: its own clock, random stream
// and disk, and effects routed through the simulator.
#pragma once

#include <fmt/format.h>

#include "sim/simulator.h"

namespace simlab::sim {

class Simulator::HostContext final : public NodeContext {
 public:
  HostContext(Simulator& simulator, Host& host) : simulator_(simulator), host_(host) {}

  NodeId self() const override { return host_.id; }
  std::int64_t now_ns() const override { return host_.clock.local_ns(simulator_.now_ns_); }
  std::int64_t monotonic_ns() const override {
    return host_.clock.monotonic_ns(simulator_.now_ns_);
  }
  RandomSource& random() override { return host_.random; }
  bool buggify(std::string_view site) override { return simulator_.buggify(host_, site); }

  void send(NodeId to, Bytes payload) override {
    simulator_.send(host_.id, to, std::move(payload));
  }
  void set_timer(TimerId id, std::int64_t after_ns) override {
    simulator_.set_timer(host_, id, after_ns);
  }
  void cancel_timer(TimerId id) override { host_.timers.erase(id); }

  DiskOpId disk_write(const std::string& file, std::uint64_t offset, Bytes bytes) override {
    const std::uint64_t length = bytes.size();
    return simulator_.issue_disk_op(host_, VirtualDisk::OpKind::write, file, offset, length,
                                    std::move(bytes));
  }
  DiskOpId disk_fsync(const std::string& file) override {
    return simulator_.issue_disk_op(host_, VirtualDisk::OpKind::fsync, file, 0, 0, {});
  }
  DiskOpId disk_read(const std::string& file, std::uint64_t offset,
                     std::uint64_t length) override {
    return simulator_.issue_disk_op(host_, VirtualDisk::OpKind::read, file, offset, length, {});
  }
  DiskOpId disk_truncate(const std::string& file, std::uint64_t size) override {
    return simulator_.issue_disk_op(host_, VirtualDisk::OpKind::truncate, file, size, 0, {});
  }

  void reply(RequestId request, Bytes response) override {
    simulator_.reply(host_.id, request, std::move(response));
  }
  void log(std::string_view line) override {
    if (!simulator_.trace_.keeps_lines()) return;
    simulator_.trace_.line(fmt::format("{:>15} n{}: {}", simulator_.now_ns_, host_.id, line));
  }
  bool log_enabled() const override { return simulator_.trace_.keeps_lines(); }
  void audit(std::string_view key, std::string_view entry) override {
    simulator_.record_audit(host_.id, key, entry);
  }

 private:
  Simulator& simulator_;
  Host& host_;
};

class Simulator::SimClientEnv final : public ClientEnv {
 public:
  SimClientEnv(Simulator& simulator, Prng random)
      : simulator_(simulator), random_(random), latency_random_(random.split("latency")) {}
  std::int64_t now_ns() const override { return simulator_.now_ns(); }
  RandomSource& random() override { return random_; }
  void sleep_for(std::int64_t duration_ns) override { simulator_.sleep_for(duration_ns); }
  CallResult call(NodeId node, Bytes request, std::int64_t timeout_ns) override {
    return simulator_.call(node, std::move(request), timeout_ns, latency_random_);
  }
  std::vector<CallResult> call_all(std::vector<CallRequest> requests,
                                   std::int64_t timeout_ns) override {
    return simulator_.call_all(std::move(requests), timeout_ns, latency_random_);
  }
  const std::vector<NodeId>& nodes() const override { return simulator_.node_ids(); }
  bool stopping() const override { return simulator_.stopping(); }

 private:
  Simulator& simulator_;
  Prng random_;
  Prng latency_random_;  // its calls' network latencies
};

// Pools reuse freed slots so long runs do not grow them without bound.
template <typename T>
inline std::uint64_t Simulator::store(std::vector<T>& pool, std::vector<std::uint64_t>& free_slots,
                               T value) {
  if (free_slots.empty()) {
    pool.push_back(std::move(value));
    return pool.size() - 1;
  }
  const std::uint64_t slot = free_slots.back();
  free_slots.pop_back();
  pool[slot] = std::move(value);
  return slot;
}

// One step of a node, then the white-box judges. Defined here, beside the
// context, because every delivery path instantiates it. A step that throws
// aborts the node's process; the judges then have nothing to look at.
template <typename Step>
inline void Simulator::step_node(Host& host, Step&& step) {
  try {
    step();
  } catch (const AssertionFailure& failure) {
    abort_node(host, failure.invariant(), failure.detail());
    return;
  } catch (const std::exception& error) {
    abort_node(host, "node.exception", error.what());
    return;
  }
  if (finding_) return;  // the white-box judges have spoken: one finding a run
  check_node(host);
  check_cluster(host.id);
}

}  // namespace simlab::sim

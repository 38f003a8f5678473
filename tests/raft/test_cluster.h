// A deterministic in-memory driver for Raft/KV nodes, for tests: every
// message, timer tick and disk completion happens only when the test says so
// (etcd raft's interaction tests work the same way). The disk keeps a synced
// and an unsynced image per file, so a crash can drop unsynced writes or keep
// a torn prefix of them, and bytes can be flipped to model corruption.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "systems/common/node.h"
#include "systems/kv/kv_node.h"
#include "systems/kv/kv_protocol.h"
#include "systems/raft/observer.h"

namespace simlab::testing {

struct FileImage {
  Bytes durable;  // what survives a crash
  Bytes current;  // what reads see now
};

struct PendingDiskOp {
  DiskOpId id = 0;
  enum class Kind : std::uint8_t { write, fsync, read, truncate } kind = Kind::write;
  std::string file;
  std::uint64_t offset = 0;  // write offset, read length, truncate size
  Bytes bytes;
};

struct Envelope {
  NodeId from = 0;
  NodeId to = 0;
  Bytes payload;
};

class TestCluster;

class TestContext final : public NodeContext {
 public:
  TestContext(TestCluster& cluster, NodeId id);
  NodeId self() const override { return id_; }
  std::int64_t now_ns() const override { return now_ns_ + skew_ns_; }
  std::int64_t monotonic_ns() const override { return now_ns_; }
  RandomSource& random() override { return random_; }
  bool buggify(std::string_view) override { return false; }
  void send(NodeId to, Bytes payload) override;
  void set_timer(TimerId id, std::int64_t after_ns) override { timers_[id] = after_ns; }
  void cancel_timer(TimerId id) override { timers_.erase(id); }
  DiskOpId disk_write(const std::string& file, std::uint64_t offset, Bytes bytes) override;
  DiskOpId disk_fsync(const std::string& file) override;
  DiskOpId disk_read(const std::string& file, std::uint64_t offset,
                     std::uint64_t length) override;
  DiskOpId disk_truncate(const std::string& file, std::uint64_t size) override;
  void reply(RequestId request, Bytes response) override;
  void log(std::string_view line) override;

  std::int64_t now_ns_ = 0;   // the node's monotonic clock
  std::int64_t skew_ns_ = 0;  // its wall clock's jumps (skew_clock)
  std::map<TimerId, std::int64_t> timers_;
  std::deque<PendingDiskOp> disk_ops_;

 private:
  class SplitMix final : public RandomSource {
   public:
    explicit SplitMix(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next_u64() override;

   private:
    std::uint64_t state_;
  };
  TestCluster& cluster_;
  NodeId id_;
  SplitMix random_;
};

class TestCluster {
 public:
  TestCluster(int size, std::set<std::string> bugs = {}, std::string options_json = {});

  // --- nodes ---
  void start(NodeId id);  // boots (or reboots) a node from its disk
  // Drops the node, its pending disk ops and timers; the disk keeps synced
  // bytes plus, per file, the first `torn_bytes` unsynced bytes appended.
  void crash(NodeId id, std::uint64_t torn_bytes = 0);
  bool up(NodeId id) const { return nodes_.count(id) && nodes_.at(id).node != nullptr; }
  const kv::KvNode& node(NodeId id) const { return *nodes_.at(id).node; }
  const raft::Raft& raft(NodeId id) const { return node(id).raft(); }
  std::vector<NodeId> ids() const;

  // --- time, network, disk ---
  void tick(NodeId id, int count = 1);
  void tick_all(int count = 1);
  // Jumps a node's wall clock (its monotonic clock does not move).
  void skew_clock(NodeId id, std::int64_t delta_ns) { contexts_.at(id)->skew_ns_ += delta_ns; }
  // Delivers queued messages (matching the filters; 0 = any) in order.
  int deliver(NodeId from = 0, NodeId to = 0, int count_max = 1 << 30);
  int drop(NodeId from = 0, NodeId to = 0);
  std::size_t queued(NodeId from = 0, NodeId to = 0) const;
  // The queue position of the `nth` (from 0) message from `from` to `to`.
  std::optional<std::size_t> position_of(NodeId from, NodeId to, std::size_t nth = 0) const;
  // By position in the network queue (reordering, loss, duplication).
  void deliver_at(std::size_t position);
  void drop_at(std::size_t position);
  void duplicate_at(std::size_t position);
  std::size_t pending_disk(NodeId id) const {
    return up(id) ? contexts_.at(id)->disk_ops_.size() : 0;
  }
  // Completes a node's queued disk ops in order (new ones too), up to count.
  int complete_disk(NodeId id, int count_max = 1 << 30);
  // Delivers and completes everything until nothing moves (no ticks).
  void stabilize();
  void isolate(NodeId id) { isolated_.insert(id); }
  void heal() { isolated_.clear(); cut_.clear(); }
  void cut(NodeId a, NodeId b) { cut_.insert({std::min(a, b), std::max(a, b)}); }
  void flip_byte(NodeId id, const std::string& file, std::uint64_t offset);
  const FileImage* file(NodeId id, const std::string& name) const;

  // --- clients ---
  RequestId request(NodeId id, const kv::Request& request);
  RequestId request_bytes(NodeId id, const Bytes& payload);
  std::optional<kv::Response> response(RequestId request) const;

  // --- findings and transcript output ---
  const std::vector<Violation>& violations() const { return violations_; }
  std::vector<std::string> take_output();
  bool print_messages = true;
  bool print_logs = true;

  // Used by TestContext.
  void emit(std::string line) { output_.push_back(std::move(line)); }
  void queue_message(Envelope envelope) { network_.push_back(std::move(envelope)); }
  void record_reply(NodeId id, RequestId request, Bytes bytes);
  DiskOpId next_disk_op() { return ++disk_op_counter_; }
  std::map<std::string, FileImage>& disk(NodeId id) { return disks_[id]; }

 private:
  struct Slot {
    std::unique_ptr<kv::KvNode> node;
  };
  void step(NodeId id, const std::function<void(kv::KvNode&, NodeContext&)>& call);
  void run_checks(NodeId id);
  bool blocked(NodeId from, NodeId to) const;
  void finish_disk_op(NodeId id, const PendingDiskOp& op);

  NodeConfig base_config_;
  std::map<NodeId, Slot> nodes_;
  std::map<NodeId, std::unique_ptr<TestContext>> contexts_;
  std::map<NodeId, std::map<std::string, FileImage>> disks_;
  std::deque<Envelope> network_;
  std::set<NodeId> isolated_;
  std::set<std::pair<NodeId, NodeId>> cut_;
  std::map<RequestId, kv::Response> responses_;
  RequestId request_counter_ = 0;
  DiskOpId disk_op_counter_ = 0;
  raft::RaftObserver observer_;
  std::vector<Violation> violations_;
  std::vector<std::string> output_;
};

std::string response_text(const kv::Response& response);

}  // namespace simlab::testing

// The demonstration system: a primary-backup replicated register. Node 0 is
// the primary; it orders writes into a log, makes each entry durable on its
// own disk (write + fsync) and on a majority of the nodes before it answers,
// and answers reads once every entry before them is committed. Backups store
// the log the same way and acknowledge what is durable. A node rebuilds its
// log from disk at restart, truncating a torn or corrupt tail.
//
// Small on purpose: it drives every part of the kernel (messages, timers,
// disk, crashes, clients) so the kernel's tests and `make run` have a real
// system before Raft. Planted bug `register.stale-read`: a backup answers
// reads from its own, possibly stale, copy.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "systems/common/node.h"
#include "systems/register/register_messages.h"

namespace simlab::register_demo {

inline constexpr TimerId kResendTimer = 1;
inline constexpr std::int64_t kResendInterval_ns = 20 * kNanosecondsPerMillisecond;
inline constexpr std::uint64_t kResendBatchMax = 32;
inline constexpr const char* kLogFile = "register.log";
inline constexpr const char* kStaleReadBug = "register.stale-read";

class RegisterNode final : public Node {
 public:
  explicit RegisterNode(const NodeConfig& config);

  void on_start(NodeContext& context) override;
  void on_message(NodeContext& context, NodeId from, ByteView payload) override;
  void on_timer(NodeContext& context, TimerId timer) override;
  void on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes) override;
  void on_client(NodeContext& context, RequestId request, ByteView payload) override;
  std::optional<Violation> check_invariants() const override;

  // Inspection for the observer and tests.
  const std::vector<std::int64_t>& log() const { return log_; }
  std::uint64_t durable_index() const { return durable_index_; }
  std::uint64_t commit_index() const { return commit_index_; }
  bool recovered() const { return recovered_; }

 private:
  struct PendingReply {
    RequestId request;
    std::uint64_t index;  // answer once commit_index_ reaches it
    ClientReply reply;
  };
  bool is_primary() const { return config_.id == kPrimary; }
  void recover(NodeContext& context, ByteView bytes);
  void append(NodeContext& context, std::int64_t value);
  void on_replicate(NodeContext& context, const PeerMessage& message);
  void on_ack(NodeContext& context, NodeId from, const PeerMessage& message);
  void advance_commit(NodeContext& context);
  void send_missing(NodeContext& context, NodeId backup);
  std::optional<std::int64_t> value_at(std::uint64_t index) const;

  NodeConfig config_;
  bool recovered_ = false;
  std::vector<std::int64_t> log_;   // entry i+1 is log_[i]
  std::uint64_t durable_index_ = 0;  // entries fsynced on this node
  std::uint64_t commit_index_ = 0;   // primary: durable on a majority
  std::map<DiskOpId, std::uint64_t> fsyncs_;  // fsync op -> index it makes durable
  DiskOpId recovery_read_ = 0;
  std::map<NodeId, std::uint64_t> acked_;  // primary: per backup, durable index
  std::deque<PendingReply> pending_;
  std::vector<RequestId> early_requests_;  // primary: arrived before recovery
  std::vector<Bytes> early_payloads_;
};

class RegisterFactory final : public SystemFactory {
 public:
  std::unique_ptr<Node> make_node(const NodeConfig& config) const override;
  std::unique_ptr<ClusterObserver> make_observer() const override;
  std::vector<PlantedBug> planted_bugs() const override;
  std::string describe_message(ByteView payload) const override;
  std::string describe_request(ByteView payload) const override;
  std::string describe_reply(ByteView payload) const override;
};

}  // namespace simlab::register_demo

// The KV store node: a Raft node whose application is KvStateMachine. It
// answers a client only after the command committed and applied, or, for a
// read, after a ReadIndex round (or a valid lease) and apply.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "systems/common/node.h"
#include "systems/kv/kv_state_machine.h"
#include "systems/raft/raft.h"
#include "systems/raft/raft_host.h"

namespace simlab::kv {

class KvNode final : public Node, public raft::Application, public raft::RaftHost {
 public:
  // Throws std::invalid_argument if config.options_json is not valid.
  explicit KvNode(const NodeConfig& config);

  void on_start(NodeContext& context) override;
  void on_message(NodeContext& context, NodeId from, ByteView payload) override;
  void on_timer(NodeContext& context, TimerId timer) override;
  void on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status,
                    ByteView bytes) override;
  void on_client(NodeContext& context, RequestId request, ByteView payload) override;
  std::optional<Violation> check_invariants() const override;

  // raft::Application
  void apply(NodeContext& context, const raft::Entry& entry) override;
  Bytes snapshot() const override { return state_.snapshot(); }
  bool restore(ByteView bytes) override { return state_.restore(bytes); }
  void read_done(NodeContext& context, std::uint64_t read_id, bool ok) override;

  // raft::RaftHost
  const raft::Raft& raft() const override { return *raft_; }
  const KvStateMachine& state() const { return state_; }

 private:
  void handle_admin(NodeContext& context, RequestId request_id, const Request& request);
  void handle_command(NodeContext& context, RequestId request_id, const Request& request);
  void after_step(NodeContext& context);
  void answer(NodeContext& context, RequestId request_id, Response response);
  Response redirect() const;
  Response status() const;

  KvStateMachine state_;
  std::unique_ptr<raft::Raft> raft_;
  struct PendingRead {
    RequestId request = 0;
    std::uint64_t key = 0;
  };
  std::map<std::uint64_t, PendingRead> reads_;
  std::uint64_t next_read_id_ = 0;
  // Commands proposed here, by (client, sequence); several requests may wait
  // on one command when a client retried before the first try finished.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<RequestId>> writes_;
  bool was_leader_ = false;
};

}  // namespace simlab::kv

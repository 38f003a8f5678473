#include "systems/log/log_node.h"

#include <fmt/format.h>

#include <stdexcept>

#include "systems/common/byte_codec.h"

namespace simlab::commitlog {
namespace {

constexpr TimerId kBrokerTickTimer = 100;  // Raft owns timer 1
constexpr TimerId kFsyncTimer = 101;

LogOptions options_from(const NodeConfig& config) {
  LogOptions options;
  const std::string error = parse_log_options(config.options_json, options);
  if (!error.empty()) throw std::invalid_argument(error);
  return options;
}

// What the controller's Raft sees of the node: everything it sends goes out
// on the Raft channel. Raft's timers, files and disk ops are its own and
// pass through.
class RaftChannel final : public NodeContext {
 public:
  explicit RaftChannel(NodeContext& inner) : inner_(inner) {}
  NodeId self() const override { return inner_.self(); }
  std::int64_t now_ns() const override { return inner_.now_ns(); }
  std::int64_t monotonic_ns() const override { return inner_.monotonic_ns(); }
  RandomSource& random() override { return inner_.random(); }
  bool buggify(std::string_view site) override { return inner_.buggify(site); }
  void send(NodeId to, Bytes payload) override {
    payload.insert(payload.begin(), static_cast<std::uint8_t>(Channel::raft));
    inner_.send(to, std::move(payload));
  }
  void set_timer(TimerId id, std::int64_t after_ns) override { inner_.set_timer(id, after_ns); }
  void cancel_timer(TimerId id) override { inner_.cancel_timer(id); }
  DiskOpId disk_write(const std::string& file, std::uint64_t offset, Bytes bytes) override {
    return inner_.disk_write(file, offset, std::move(bytes));
  }
  DiskOpId disk_fsync(const std::string& file) override { return inner_.disk_fsync(file); }
  DiskOpId disk_read(const std::string& file, std::uint64_t offset, std::uint64_t length) override {
    return inner_.disk_read(file, offset, length);
  }
  DiskOpId disk_truncate(const std::string& file, std::uint64_t size) override {
    return inner_.disk_truncate(file, size);
  }
  void reply(RequestId request, Bytes response) override {
    inner_.reply(request, std::move(response));
  }
  void log(std::string_view line) override { inner_.log(line); }
  bool log_enabled() const override { return inner_.log_enabled(); }

 private:
  NodeContext& inner_;
};

}  // namespace

LogNode::LogNode(const NodeConfig& config)
    : self_(config.id),
      members_(config.initial_members),
      options_(options_from(config)),
      bugs_(LogBugs::from(config.bugs)),
      metadata_(Metadata::initial(members_, options_.partitions, options_.replication_factor)),
      txns_(!bugs_.late_txn_marker),
      controller_(config.id, options_, bugs_),
      coordinator_(options_),
      txn_coordinator_(options_, !bugs_.late_txn_marker),
      raft_(std::make_unique<raft::Raft>(config.id, config.initial_members, options_.raft,
                                         raft::Bugs{}, *this)) {
  env_.self = self_;
  env_.options = &options_;
  env_.bugs = bugs_;
  env_.disk = &disk_;
  env_.to_controller = [this](NodeContext& context, const BrokerMessage& message) {
    to_controller(context, message);
  };
  env_.to_broker = [this](NodeContext& context, NodeId to, const BrokerMessage& message) {
    to_broker(context, to, message);
  };
  for (PartitionId p = 0; p < metadata_.partitions().size(); ++p) {
    replicas_.push_back(metadata_.partition(p).is_replica(self_)
                            ? std::make_unique<PartitionReplica>(p, env_)
                            : nullptr);
  }
  disk_.set_error_handler(
      [this](NodeContext& context, DiskStatus status) { on_disk_error(context, status); });
}

PartitionReplica* LogNode::hosted(PartitionId partition) {
  return partition < replicas_.size() ? replicas_[partition].get() : nullptr;
}

const PartitionReplica* LogNode::replica(PartitionId partition) const {
  return partition < replicas_.size() ? replicas_[partition].get() : nullptr;
}

void LogNode::on_start(NodeContext& context) {
  ++steps_;
  // Never 0, which the bootstrap metadata names: every broker is elected
  // once in the incarnation it runs.
  incarnation_ = context.random().next_u64() | 1;
  env_.incarnation = incarnation_;
  RaftChannel channel(context);
  raft_->start(channel);
  for (auto& replica : replicas_) {
    if (replica) replica->recover(context);
  }
  context.set_timer(kBrokerTickTimer, options_.tick_ns);
  if (options_.fsync == FsyncPolicy::interval) {
    context.set_timer(kFsyncTimer, options_.fsync_interval_ns);
  }
  after_step(context);
}

void LogNode::on_message(NodeContext& context, NodeId from, ByteView payload) {
  ++steps_;
  if (payload.empty()) return;
  if (payload[0] == static_cast<std::uint8_t>(Channel::raft)) {
    RaftChannel channel(context);
    raft_->on_message(channel, from, payload.subspan(1));
  } else if (payload[0] == static_cast<std::uint8_t>(Channel::broker)) {
    if (const auto message = decode_broker_message(payload.subspan(1))) {
      on_broker_message(context, from, *message);
    }
  }
  after_step(context);
}

void LogNode::on_broker_message(NodeContext& context, NodeId from, const BrokerMessage& message) {
  switch (message.kind) {
    case BrokerKind::heartbeat:
      controller_.on_heartbeat(context, from, message.incarnation);
      return;
    case BrokerKind::alter_isr:
    case BrokerKind::resign:
      controller_request(context, from, message);
      return;
    case BrokerKind::txn_marker_ack:
      txn_coordinator_.on_marker_ack(message);
      return;
    default:
      if (PartitionReplica* replica = hosted(message.partition)) {
        replica->on_message(context, from, message);
      }
  }
}

void LogNode::on_timer(NodeContext& context, TimerId timer) {
  ++steps_;
  if (timer == kBrokerTickTimer) {
    tick(context);
    context.set_timer(kBrokerTickTimer, options_.tick_ns);
  } else if (timer == kFsyncTimer) {
    for (auto& replica : replicas_) {
      if (replica) replica->on_fsync_due(context);
    }
    context.set_timer(kFsyncTimer, options_.fsync_interval_ns);
  } else {
    RaftChannel channel(context);
    raft_->on_timer(channel, timer);
  }
  after_step(context);
}

void LogNode::tick(NodeContext& context) {
  send_heartbeats(context);
  {
    RaftChannel channel(context);
    controller_.on_tick(channel, *raft_, metadata_, incarnation_);
    coordinator_.on_tick(channel, *raft_, groups_);
    txn_coordinator_.on_tick(channel, *raft_, txns_, metadata_);
  }
  send_markers(context);
  for (auto& replica : replicas_) {
    if (replica) replica->on_tick(context);
  }
}

void LogNode::send_markers(NodeContext& context) {
  for (const auto& [to, marker] : txn_coordinator_.take_outbox()) to_broker(context, to, marker);
}

void LogNode::to_broker(NodeContext& context, NodeId to, const BrokerMessage& message) {
  if (to == self_) {
    on_broker_message(context, self_, message);
  } else {
    context.send(to, encode_broker_message(message));
  }
}

void LogNode::send_heartbeats(NodeContext& context) {
  const std::int64_t now = context.monotonic_ns();
  if (now - last_heartbeat_ns_ < options_.heartbeat_ns) return;
  last_heartbeat_ns_ = now;
  // Every broker hears it: whichever leads the controller's Raft now, or
  // next, knows this broker is alive.
  BrokerMessage heartbeat;
  heartbeat.kind = BrokerKind::heartbeat;
  heartbeat.incarnation = incarnation_;
  for (NodeId member : members_) {
    if (member != self_) context.send(member, encode_broker_message(heartbeat));
  }
}

void LogNode::controller_request(NodeContext& context, NodeId from, const BrokerMessage& message) {
  RaftChannel channel(context);
  if (message.kind == BrokerKind::resign) {
    controller_.on_resign(channel, *raft_, metadata_, from, message);
  } else {
    controller_.on_alter_isr(channel, *raft_, from, message);
  }
}

void LogNode::to_controller(NodeContext& context, const BrokerMessage& message) {
  if (raft_->role() == raft::Role::leader) {
    controller_request(context, self_, message);
  } else if (raft_->leader() != raft::kNoNode) {
    context.send(raft_->leader(), encode_broker_message(message));
  }  // else: nobody to ask yet; the replica asks again
}

void LogNode::on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status, ByteView bytes) {
  ++steps_;
  if (!disk_.on_disk_done(context, op, status, bytes)) {
    RaftChannel channel(context);
    raft_->on_disk_done(channel, op, status, bytes);
  }
  after_step(context);
}

// After a failed write or fsync nothing queued behind it can be trusted
// (fsyncgate): every replica drops what it holds and reads its disk again.
void LogNode::on_disk_error(NodeContext& context, DiskStatus status) {
  if (context.log_enabled()) {
    context.log(fmt::format("disk error ({}): replicas reload", disk_status_name(status)));
  }
  disk_.reset();
  for (auto& replica : replicas_) {
    if (replica) replica->reset(context);
  }
  metadata_changed_ = true;
}

void LogNode::on_client(NodeContext& context, RequestId request, ByteView payload) {
  ++steps_;
  const std::optional<ClientRequest> decoded = decode_client_request(payload);
  if (!decoded) {
    context.reply(request, encode_client_reply(status_reply(ClientStatus::not_leader, kNoNode)));
    return;
  }
  if (decoded->kind == ClientKind::metadata) {
    context.reply(request, encode_client_reply(metadata_reply()));
    return;
  }
  if (decoded->kind == ClientKind::group_heartbeat || decoded->kind == ClientKind::offset_commit) {
    RaftChannel channel(context);
    coordinator_.on_request(channel, *raft_, groups_, txns_, request, *decoded);
    after_step(context);
    return;
  }
  if (decoded->kind == ClientKind::txn_add_partition || decoded->kind == ClientKind::txn_end ||
      decoded->kind == ClientKind::txn_offset_commit) {
    RaftChannel channel(context);
    txn_coordinator_.on_request(channel, *raft_, txns_, groups_, request, *decoded);
    after_step(context);
    return;
  }
  PartitionReplica* replica = hosted(decoded->partition);
  if (replica == nullptr || !raft_->ready()) {
    const NodeId hint = decoded->partition < metadata_.partitions().size()
                            ? metadata_.partition(decoded->partition).leader
                            : kNoNode;
    context.reply(request, encode_client_reply(status_reply(ClientStatus::not_leader, hint)));
    return;
  }
  if (decoded->kind == ClientKind::produce) {
    replica->on_produce(context, request, *decoded);
  } else {
    replica->on_fetch(context, request, *decoded);
  }
  after_step(context);
}

ClientReply LogNode::metadata_reply() const {
  ClientReply reply;
  for (PartitionId p = 0; p < metadata_.partitions().size(); ++p) {
    const PartitionState& state = metadata_.partition(p);
    reply.partitions.push_back(PartitionInfo{p, state.leader, state.leader_epoch, state.isr});
  }
  return reply;
}

void LogNode::apply(NodeContext& context, const raft::Entry& entry) {
  if (is_group_command(entry.data)) {
    const std::optional<GroupCommand> command = decode_group_command(entry.data);
    const bool changed = command && groups_.apply(*command);
    coordinator_.on_applied(context, entry.index, entry.term, changed);
    return;
  }
  if (is_txn_command(entry.data)) {
    const std::optional<TxnCommand> command = decode_txn_command(entry.data);
    if (!command) return;
    // A transaction's offset holds only from the partition's owner in the
    // group's generation, checked here where every broker applies it alike.
    const bool refused_by_group =
        command->kind == TxnCommandKind::add_offset &&
        !groups_.group(command->group)
             .accepts_commit(command->member, command->generation, command->partition);
    std::vector<TxnOffset> committed;
    const bool changed = !refused_by_group && txns_.apply(*command, &committed);
    // Fenced: refused by the group alone, its transaction still open.
    const TxnState& state = txns_.producer(command->producer_id);
    const bool fenced = refused_by_group && state.epoch == command->epoch && !state.deciding();
    for (const TxnOffset& offset : committed)
      groups_.commit_transactional(offset.group, offset.partition, offset.offset);
    txn_coordinator_.on_applied(context, entry.index, entry.term, *command, changed, fenced, txns_);
    return;
  }
  const std::optional<ControllerCommand> command = decode_command(entry.data);
  if (command && metadata_.apply(*command)) metadata_changed_ = true;
}

Bytes LogNode::snapshot() const {
  ByteWriter out;
  out.blob(metadata_.encode());
  out.blob(groups_.encode());
  out.blob(txns_.encode());
  return out.take();
}

bool LogNode::restore(ByteView bytes) {
  metadata_changed_ = true;
  if (bytes.empty()) {
    metadata_ = Metadata::initial(members_, options_.partitions, options_.replication_factor);
    groups_ = Groups{};
    txns_ = Txns(!bugs_.late_txn_marker);
    return true;
  }
  ByteReader in(bytes);
  const Bytes metadata = in.blob();
  const Bytes groups = in.blob();
  const Bytes txns = in.blob();
  return in.ok() && in.at_end() && metadata_.decode(metadata) && groups_.decode(groups) &&
         txns_.decode(txns);
}

// Replicas act on the metadata only once the controller's Raft has read its
// own disk: before that the node knows nothing newer than the bootstrap.
// Nor while it knows of no controller leader or has not applied what it
// knows is committed: a restarted broker's snapshot may be far behind, and
// acting on it would make it follow or lead an epoch long gone.
// The replicas act on the metadata only once it is known current: every
// entry the Raft leader has committed is applied, and the last applied one
// is of the current term (the new leader's no-op or later). A leader's
// commit index lags until its own term's no-op commits, and a restarted
// broker's Raft recovers only to its snapshot: without the term check, a
// broker back from a crash would act on metadata older than what it acted
// on before (follow a deposed leader in an epoch since replaced, so that
// leader could count it in a stale ISR and acknowledge writes the current
// leader never had; KRaft likewise keeps a restarted broker fenced until
// it has caught up with the metadata log).
void LogNode::after_step(NodeContext& context) {
  if (!metadata_changed_ || !raft_->ready() || raft_->leader() == raft::kNoNode ||
      raft_->applied_index() < raft_->commit_index() ||
      raft_->log().term_at(raft_->applied_index()) != raft_->term()) {
    return;
  }
  metadata_changed_ = false;
  for (auto& replica : replicas_) {
    if (replica) replica->on_metadata(context, metadata_.partition(replica->id()));
  }
}

std::optional<Violation> LogNode::check_invariants() const {
  try {
    raft_->check_invariants();
    for (const auto& replica : replicas_) {
      if (replica) replica->check_invariants();
    }
  } catch (const AssertionFailure& failure) {
    return Violation{failure.invariant(), failure.detail(), self_};
  }
  return std::nullopt;
}

}  // namespace simlab::commitlog

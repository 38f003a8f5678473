#include "systems/register/register_node.h"

#include <algorithm>

#include <fmt/format.h>

#include "systems/common/byte_codec.h"
#include "systems/common/crc32c.h"

namespace simlab::register_demo {
namespace {

constexpr std::uint64_t kRecordBytes = 16;  // value, crc32c(value), zero padding

Bytes encode_record(std::int64_t value) {
  ByteWriter writer;
  writer.i64(value);
  writer.u32(crc32c(ByteView(writer.bytes())));
  writer.u32(0);
  return writer.take();
}

}  // namespace

RegisterNode::RegisterNode(const NodeConfig& config) : config_(config) {}

void RegisterNode::on_start(NodeContext& context) {
  recovery_read_ = context.disk_read(kLogFile, 0, ~std::uint64_t{0});
  if (is_primary()) context.set_timer(kResendTimer, kResendInterval_ns);
}

void RegisterNode::recover(NodeContext& context, ByteView bytes) {
  std::uint64_t valid = 0;
  for (std::uint64_t offset = 0; offset + kRecordBytes <= bytes.size(); offset += kRecordBytes) {
    ByteReader reader(bytes.subspan(offset, kRecordBytes));
    const std::int64_t value = reader.i64();
    const std::uint32_t stored = reader.u32();
    if (crc32c(bytes.subspan(offset, 8)) != stored) break;  // torn or corrupt: the log ends here
    log_.push_back(value);
    ++valid;
  }
  if (valid * kRecordBytes != bytes.size()) {
    if (context.log_enabled()) {
      context.log(fmt::format("recovery: truncating log from {} to {} bytes", bytes.size(),
                              valid * kRecordBytes));
    }
    context.disk_truncate(kLogFile, valid * kRecordBytes);
  }
  durable_index_ = log_.size();
  if (is_primary()) commit_index_ = 0;  // learnt again from acknowledgements
  recovered_ = true;
  for (std::size_t i = 0; i < early_requests_.size(); ++i) {
    on_client(context, early_requests_[i], early_payloads_[i]);
  }
  early_requests_.clear();
  early_payloads_.clear();
}

std::optional<std::int64_t> RegisterNode::value_at(std::uint64_t index) const {
  if (index == 0) return std::nullopt;
  return log_[index - 1];
}

void RegisterNode::append(NodeContext& context, std::int64_t value) {
  log_.push_back(value);
  const std::uint64_t index = log_.size();
  context.disk_write(kLogFile, (index - 1) * kRecordBytes, encode_record(value));
  fsyncs_[context.disk_fsync(kLogFile)] = index;
}

void RegisterNode::on_client(NodeContext& context, RequestId request, ByteView payload) {
  const auto decoded = decode_request(payload);
  if (!decoded) return;  // garbage: a real server drops the connection
  if (!is_primary()) {
    if (decoded->op == ClientOp::read && config_.bugs.contains(kStaleReadBug)) {
      context.reply(request, encode(ClientReply{ReplyStatus::ok, value_at(log_.size())}));
      return;
    }
    context.reply(request, encode(ClientReply{ReplyStatus::not_primary, std::nullopt}));
    return;
  }
  if (!recovered_) {
    early_requests_.push_back(request);
    early_payloads_.emplace_back(payload.begin(), payload.end());
    return;
  }
  const std::optional<std::int64_t> current = value_at(log_.size());
  ClientReply reply{ReplyStatus::ok, std::nullopt};
  if (decoded->op == ClientOp::read) {
    reply.value = current;
  } else if (decoded->op == ClientOp::write) {
    append(context, decoded->first);
    for (NodeId peer : config_.initial_members) {
      if (peer != config_.id) send_missing(context, peer);
    }
  } else if (current == decoded->first) {
    append(context, decoded->second);
    for (NodeId peer : config_.initial_members) {
      if (peer != config_.id) send_missing(context, peer);
    }
  } else {
    reply.status = ReplyStatus::cas_mismatch;
  }
  pending_.push_back(PendingReply{request, log_.size(), reply});
  advance_commit(context);
}

void RegisterNode::on_message(NodeContext& context, NodeId from, ByteView payload) {
  const auto message = decode_peer(payload);
  if (!message || !recovered_) return;  // damaged in flight, or not ready: the primary resends
  if (message->kind == PeerKind::replicate && !is_primary()) on_replicate(context, *message);
  if (message->kind == PeerKind::ack && is_primary()) on_ack(context, from, *message);
}

void RegisterNode::on_replicate(NodeContext& context, const PeerMessage& message) {
  if (message.index == 0 || message.index > log_.size() + 1) return;  // a gap: wait for resend
  if (message.index <= log_.size() && log_[message.index - 1] == message.value) {
    // Acknowledge the entry asked about, not our durable end: after a crash
    // the primary's log may be shorter than ours and would ignore that.
    if (message.index <= durable_index_) {
      context.send(kPrimary, encode(PeerMessage{PeerKind::ack, message.index, message.value}));
    }
    return;
  }
  // The primary is the authority: a differing entry replaces ours and all after it.
  log_.resize(message.index - 1);
  durable_index_ = std::min<std::uint64_t>(durable_index_, log_.size());
  append(context, message.value);
}

void RegisterNode::on_ack(NodeContext& context, NodeId from, const PeerMessage& message) {
  const std::uint64_t index = message.index;
  // An acknowledgement counts only for the entry we hold at that index: a
  // backup may still hold entries this primary lost in a crash.
  if (index == 0 || index > log_.size() || log_[index - 1] != message.value) return;
  std::uint64_t& acked = acked_[from];
  if (index > acked) acked = index;
  advance_commit(context);
}

void RegisterNode::advance_commit(NodeContext& context) {
  const std::size_t majority = config_.initial_members.size() / 2 + 1;
  while (commit_index_ < durable_index_) {
    const std::uint64_t candidate = commit_index_ + 1;
    std::size_t holders = 1;  // this node: candidate <= durable_index_
    for (const auto& [peer, acked] : acked_) holders += acked >= candidate ? 1 : 0;
    if (holders < majority) break;
    commit_index_ = candidate;
  }
  while (!pending_.empty() && pending_.front().index <= commit_index_) {
    context.reply(pending_.front().request, encode(pending_.front().reply));
    pending_.pop_front();
  }
}

void RegisterNode::send_missing(NodeContext& context, NodeId backup) {
  const std::uint64_t first = acked_[backup] + 1;
  const std::uint64_t last = std::min<std::uint64_t>(log_.size(), first + kResendBatchMax - 1);
  for (std::uint64_t index = first; index <= last; ++index) {
    context.send(backup, encode(PeerMessage{PeerKind::replicate, index, log_[index - 1]}));
  }
}

void RegisterNode::on_timer(NodeContext& context, TimerId timer) {
  if (timer != kResendTimer) return;
  if (recovered_) {
    for (NodeId peer : config_.initial_members) {
      if (peer != config_.id) send_missing(context, peer);
    }
  }
  context.set_timer(kResendTimer, kResendInterval_ns);
}

void RegisterNode::on_disk_done(NodeContext& context, DiskOpId op, DiskStatus status,
                                ByteView bytes) {
  if (op == recovery_read_) {
    // A failed recovery read leaves the node waiting: it never serves
    // without its log.
    if (status == DiskStatus::ok) recover(context, bytes);
    return;
  }
  auto it = fsyncs_.find(op);
  if (it == fsyncs_.end()) return;
  const std::uint64_t index = it->second;
  fsyncs_.erase(it);
  if (status != DiskStatus::ok || index > log_.size()) return;
  durable_index_ = std::max(durable_index_, index);
  if (is_primary()) {
    advance_commit(context);
  } else {
    context.send(kPrimary, encode(PeerMessage{PeerKind::ack, durable_index_, log_[durable_index_ - 1]}));
  }
}

std::optional<Violation> RegisterNode::check_invariants() const {
  if (durable_index_ > log_.size()) {
    return Violation{"register.durable-beyond-log",
                     fmt::format("durable index {} > log length {}", durable_index_, log_.size()),
                     config_.id};
  }
  if (commit_index_ > durable_index_) {
    return Violation{"register.commit-beyond-durable",
                     fmt::format("commit {} > durable {}", commit_index_, durable_index_),
                     config_.id};
  }
  return std::nullopt;
}

}  // namespace simlab::register_demo

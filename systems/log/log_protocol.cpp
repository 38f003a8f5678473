#include "systems/log/log_protocol.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "systems/common/byte_codec.h"

namespace simlab::commitlog {
namespace {

// Bounds a decoder trusts before it allocates: a corrupt length must not
// make a reply of four billion records.
constexpr std::uint32_t kRecordsPerReplyMax = 1u << 16;
constexpr std::uint32_t kPartitionsMax = 1u << 12;
constexpr std::uint32_t kIsrMax = 64;

bool valid_kind(std::uint8_t kind) {
  return kind >= static_cast<std::uint8_t>(ClientKind::produce) &&
         kind <= static_cast<std::uint8_t>(ClientKind::txn_offset_commit);
}

bool valid_status(std::uint8_t status) {
  return status >= static_cast<std::uint8_t>(ClientStatus::ok) &&
         status <= static_cast<std::uint8_t>(ClientStatus::invalid_txn_state);
}

}  // namespace

const char* client_kind_name(ClientKind kind) {
  switch (kind) {
    case ClientKind::produce:
      return "produce";
    case ClientKind::fetch:
      return "fetch";
    case ClientKind::metadata:
      return "metadata";
    case ClientKind::group_heartbeat:
      return "group-heartbeat";
    case ClientKind::offset_commit:
      return "offset-commit";
    case ClientKind::txn_add_partition:
      return "txn-add-partition";
    case ClientKind::txn_end:
      return "txn-end";
    case ClientKind::txn_offset_commit:
      return "txn-offset-commit";
  }
  return "?";
}

const char* client_status_name(ClientStatus status) {
  switch (status) {
    case ClientStatus::ok:
      return "ok";
    case ClientStatus::not_leader:
      return "not-leader";
    case ClientStatus::not_enough_replicas:
      return "not-enough-replicas";
    case ClientStatus::out_of_order_sequence:
      return "out-of-order-sequence";
    case ClientStatus::fenced_producer:
      return "fenced-producer";
    case ClientStatus::offset_out_of_range:
      return "offset-out-of-range";
    case ClientStatus::unknown:
      return "unknown";
    case ClientStatus::rebalance_in_progress:
      return "rebalance-in-progress";
    case ClientStatus::illegal_generation:
      return "illegal-generation";
    case ClientStatus::concurrent_transactions:
      return "concurrent-transactions";
    case ClientStatus::invalid_txn_state:
      return "invalid-txn-state";
  }
  return "?";
}

ClientReply status_reply(ClientStatus status, NodeId leader_hint) {
  ClientReply reply;
  reply.status = status;
  reply.leader_hint = leader_hint;
  return reply;
}

Bytes encode_client_request(const ClientRequest& request) {
  ByteWriter out;
  out.u8(static_cast<std::uint8_t>(request.kind));
  out.u32(request.partition);
  out.u32(static_cast<std::uint32_t>(request.values.size()));
  for (std::int64_t value : request.values) out.i64(value);
  out.u64(request.producer_id);
  out.i64(request.producer_epoch);
  out.i64(request.sequence);
  out.u8(static_cast<std::uint8_t>(request.acks));
  out.i64(request.offset);
  out.u32(request.records_max);
  out.u32(request.group);
  out.u64(request.member);
  out.i64(request.generation);
  out.u8(static_cast<std::uint8_t>((request.transactional ? 1 : 0) | (request.commit ? 2 : 0) |
                                   (request.read_committed ? 4 : 0)));
  return out.take();
}

std::optional<ClientRequest> decode_client_request(ByteView bytes) {
  ByteReader in(bytes);
  ClientRequest request;
  const std::uint8_t kind = in.u8();
  request.partition = in.u32();
  const std::uint32_t values = in.u32();
  if (!in.ok() || values > kBatchRecordsMax) return std::nullopt;
  for (std::uint32_t i = 0; i < values && in.ok(); ++i) request.values.push_back(in.i64());
  request.producer_id = in.u64();
  request.producer_epoch = in.i64();
  request.sequence = in.i64();
  const std::uint8_t acks = in.u8();
  request.offset = in.i64();
  request.records_max = in.u32();
  request.group = in.u32();
  request.member = in.u64();
  request.generation = in.i64();
  const std::uint8_t flags = in.u8();
  if (!in.ok() || !in.at_end() || !valid_kind(kind) || flags > 7) return std::nullopt;
  if (kind == static_cast<std::uint8_t>(ClientKind::produce) && request.values.empty())
    return std::nullopt;  // an empty batch
  request.transactional = (flags & 1) != 0;
  request.commit = (flags & 2) != 0;
  request.read_committed = (flags & 4) != 0;
  if (acks != static_cast<std::uint8_t>(Acks::all) &&
      acks != static_cast<std::uint8_t>(Acks::leader))
    return std::nullopt;
  request.kind = static_cast<ClientKind>(kind);
  request.acks = static_cast<Acks>(acks);
  return request;
}

Bytes encode_client_reply(const ClientReply& reply) {
  ByteWriter out;
  out.u8(static_cast<std::uint8_t>(reply.status));
  out.u32(reply.leader_hint);
  out.i64(reply.offset);
  out.i64(reply.high_watermark);
  out.u32(static_cast<std::uint32_t>(reply.records.size()));
  for (const FetchedRecord& record : reply.records) {
    out.i64(record.offset);
    out.i64(record.value);
  }
  out.u32(static_cast<std::uint32_t>(reply.partitions.size()));
  for (const PartitionInfo& info : reply.partitions) {
    out.u32(info.partition);
    out.u32(info.leader);
    out.i64(info.leader_epoch);
    out.u32(static_cast<std::uint32_t>(info.isr.size()));
    for (NodeId member : info.isr) out.u32(member);
  }
  out.i64(reply.generation);
  out.u32(static_cast<std::uint32_t>(reply.assigned.size()));
  for (const AssignedPartition& assigned : reply.assigned) {
    out.u32(assigned.partition);
    out.i64(assigned.committed);
  }
  out.i64(reply.next_offset);
  out.u8(reply.committed ? 1 : 0);
  out.i64(reply.producer_epoch);
  return out.take();
}

std::optional<ClientReply> decode_client_reply(ByteView bytes) {
  ByteReader in(bytes);
  ClientReply reply;
  const std::uint8_t status = in.u8();
  reply.leader_hint = in.u32();
  reply.offset = in.i64();
  reply.high_watermark = in.i64();
  const std::uint32_t records = in.u32();
  if (!in.ok() || !valid_status(status) || records > kRecordsPerReplyMax) return std::nullopt;
  reply.status = static_cast<ClientStatus>(status);
  for (std::uint32_t i = 0; i < records && in.ok(); ++i) {
    FetchedRecord record;
    record.offset = in.i64();
    record.value = in.i64();
    reply.records.push_back(record);
  }
  const std::uint32_t partitions = in.u32();
  if (!in.ok() || partitions > kPartitionsMax) return std::nullopt;
  for (std::uint32_t i = 0; i < partitions && in.ok(); ++i) {
    PartitionInfo info;
    info.partition = in.u32();
    info.leader = in.u32();
    info.leader_epoch = in.i64();
    const std::uint32_t members = in.u32();
    if (!in.ok() || members > kIsrMax) return std::nullopt;
    for (std::uint32_t m = 0; m < members; ++m) info.isr.push_back(in.u32());
    reply.partitions.push_back(std::move(info));
  }
  reply.generation = in.i64();
  const std::uint32_t assigned = in.u32();
  if (!in.ok() || assigned > kPartitionsMax) return std::nullopt;
  for (std::uint32_t i = 0; i < assigned && in.ok(); ++i) {
    AssignedPartition partition;
    partition.partition = in.u32();
    partition.committed = in.i64();
    reply.assigned.push_back(partition);
  }
  reply.next_offset = in.i64();
  const std::uint8_t committed = in.u8();
  reply.producer_epoch = in.i64();
  if (!in.ok() || !in.at_end() || committed > 1) return std::nullopt;
  reply.committed = committed == 1;
  return reply;
}

std::string client_request_text(const ClientRequest& request) {
  switch (request.kind) {
    case ClientKind::produce:
      return fmt::format("produce p{} [{}] (pid {} epoch {} seq {}{}{})", request.partition,
                         fmt::join(request.values, " "), request.producer_id,
                         request.producer_epoch, request.sequence,
                         request.acks == Acks::leader ? " acks=1" : "",
                         request.transactional ? " txn" : "");
    case ClientKind::fetch:
      return fmt::format("fetch p{} from {}{}", request.partition, request.offset,
                         request.read_committed ? " read_committed" : "");
    case ClientKind::txn_add_partition:
      return fmt::format("txn add p{} (pid {} epoch {})", request.partition, request.producer_id,
                         request.producer_epoch);
    case ClientKind::txn_end:
      return fmt::format("txn {} (pid {} epoch {})", request.commit ? "commit" : "abort",
                         request.producer_id, request.producer_epoch);
    case ClientKind::metadata:
      return "metadata";
    case ClientKind::group_heartbeat:
      return fmt::format("heartbeat group {} member {}", request.group, request.member);
    case ClientKind::offset_commit:
      return fmt::format("commit group {} member {} gen {} p{} at {}", request.group,
                         request.member, request.generation, request.partition, request.offset);
    case ClientKind::txn_offset_commit:
      return fmt::format("txn commit group {} member {} gen {} p{} at {} (pid {} epoch {})",
                         request.group, request.member, request.generation, request.partition,
                         request.offset, request.producer_id, request.producer_epoch);
  }
  return "?";
}

std::string client_reply_text(const ClientReply& reply) {
  std::string text = client_status_name(reply.status);
  if (reply.status == ClientStatus::ok && reply.offset >= 0)
    text += fmt::format(" @{}", reply.offset);
  if (!reply.records.empty()) {
    text +=
        fmt::format(" {} records {}..{} hw {}", reply.records.size(), reply.records.front().offset,
                    reply.records.back().offset, reply.high_watermark);
  }
  if (reply.leader_hint != kNoNode) text += fmt::format(" leader n{}", reply.leader_hint);
  if (reply.producer_epoch > 0 || reply.committed)
    text += fmt::format(" {} next epoch {}", reply.committed ? "committed" : "aborted",
                        reply.producer_epoch);
  if (reply.generation > 0) {
    text += fmt::format(" gen {} [", reply.generation);
    for (const AssignedPartition& assigned : reply.assigned)
      text += fmt::format("{}p{}@{}", &assigned == &reply.assigned.front() ? "" : " ",
                          assigned.partition, assigned.committed);
    text += "]";
  }
  return text;
}

}  // namespace simlab::commitlog

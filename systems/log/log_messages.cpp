#include "systems/log/log_messages.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "systems/common/byte_codec.h"
#include "systems/common/crc32c.h"

namespace simlab::commitlog {
namespace {

constexpr std::uint32_t kRecordsPerMessageMax = 1u << 14;
constexpr std::uint32_t kIsrMax = 64;

bool valid_kind(std::uint8_t kind) {
  return kind >= static_cast<std::uint8_t>(BrokerKind::replica_fetch) &&
         kind <= static_cast<std::uint8_t>(BrokerKind::txn_marker_ack);
}

}  // namespace

const char* broker_kind_name(BrokerKind kind) {
  switch (kind) {
    case BrokerKind::replica_fetch:
      return "replica-fetch";
    case BrokerKind::replica_fetch_reply:
      return "replica-fetch-reply";
    case BrokerKind::epoch_query:
      return "epoch-query";
    case BrokerKind::epoch_answer:
      return "epoch-answer";
    case BrokerKind::alter_isr:
      return "alter-isr";
    case BrokerKind::heartbeat:
      return "heartbeat";
    case BrokerKind::resign:
      return "resign";
    case BrokerKind::txn_marker:
      return "txn-marker";
    case BrokerKind::txn_marker_ack:
      return "txn-marker-ack";
  }
  return "?";
}

Bytes encode_broker_message(const BrokerMessage& message) {
  ByteWriter out;
  out.u8(static_cast<std::uint8_t>(Channel::broker));
  out.u8(static_cast<std::uint8_t>(message.kind));
  out.u32(message.partition);
  out.i64(message.leader_epoch);
  out.i64(message.fetch_offset);
  out.i64(message.durable_end);
  out.u8(static_cast<std::uint8_t>(message.error));
  out.i64(message.high_watermark);
  out.u32(static_cast<std::uint32_t>(message.records.size()));
  for (const Record& record : message.records) write_record(out, record);
  out.i64(message.epoch);
  out.i64(message.end_offset);
  out.i64(message.partition_epoch);
  out.u32(static_cast<std::uint32_t>(message.isr.size()));
  for (NodeId member : message.isr) out.u32(member);
  out.u64(message.incarnation);
  out.u64(message.producer_id);
  out.i64(message.producer_epoch);
  out.u8(message.commit ? 1 : 0);
  out.i64(message.next_epoch);
  // The network may flip a bit: a record copied from a corrupt fetch reply
  // would be a committed record nobody wrote.
  const std::uint32_t crc = crc32c(ByteView(out.bytes()).subspan(1));
  out.u32(crc);
  return out.take();
}

std::optional<BrokerMessage> decode_broker_message(ByteView framed) {
  const std::optional<ByteView> checked = verify_crc32c_trailer(framed);
  if (!checked) return std::nullopt;
  ByteReader in(*checked);
  BrokerMessage message;
  const std::uint8_t kind = in.u8();
  message.partition = in.u32();
  message.leader_epoch = in.i64();
  message.fetch_offset = in.i64();
  message.durable_end = in.i64();
  const std::uint8_t error = in.u8();
  message.high_watermark = in.i64();
  const std::uint32_t records = in.u32();
  if (!in.ok() || !valid_kind(kind) || error > static_cast<std::uint8_t>(FetchError::stale_epoch) ||
      records > kRecordsPerMessageMax)
    return std::nullopt;
  message.kind = static_cast<BrokerKind>(kind);
  message.error = static_cast<FetchError>(error);
  for (std::uint32_t i = 0; i < records && in.ok(); ++i) message.records.push_back(read_record(in));
  message.epoch = in.i64();
  message.end_offset = in.i64();
  message.partition_epoch = in.i64();
  const std::uint32_t members = in.u32();
  if (!in.ok() || members > kIsrMax) return std::nullopt;
  for (std::uint32_t i = 0; i < members; ++i) message.isr.push_back(in.u32());
  message.incarnation = in.u64();
  message.producer_id = in.u64();
  message.producer_epoch = in.i64();
  const std::uint8_t commit = in.u8();
  message.next_epoch = in.i64();
  if (!in.ok() || !in.at_end() || commit > 1) return std::nullopt;
  message.commit = commit == 1;
  return message;
}

std::string broker_message_text(const BrokerMessage& message) {
  std::string head = fmt::format("{} p{} e{}", broker_kind_name(message.kind), message.partition,
                                 message.leader_epoch);
  switch (message.kind) {
    case BrokerKind::replica_fetch:
      return fmt::format("{} from {} durable {}", head, message.fetch_offset, message.durable_end);
    case BrokerKind::replica_fetch_reply:
      if (message.error != FetchError::none) return head + " refused";
      return fmt::format("{} {} records hw {}", head, message.records.size(),
                         message.high_watermark);
    case BrokerKind::epoch_query:
      return fmt::format("{} epoch {}", head, message.epoch);
    case BrokerKind::epoch_answer:
      return fmt::format("{} epoch {} ends at {}", head, message.epoch, message.end_offset);
    case BrokerKind::alter_isr:
      return fmt::format("{} isr [{}]", head, fmt::join(message.isr, ","));
    case BrokerKind::heartbeat:
      return "heartbeat";
    case BrokerKind::resign:
      return head + " resign";
    case BrokerKind::txn_marker:
    case BrokerKind::txn_marker_ack:
      return fmt::format("{} pid {} epoch {} {}", head, message.producer_id, message.producer_epoch,
                         message.commit ? "commit" : "abort");
  }
  return head;
}

}  // namespace simlab::commitlog

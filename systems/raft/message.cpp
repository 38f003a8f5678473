#include "systems/raft/message.h"

#include "systems/common/crc32c.h"
#include "systems/raft/limits.h"

namespace simlab::raft {

const char* message_type_name(MessageType type) {
  switch (type) {
    case MessageType::pre_vote: return "pre-vote";
    case MessageType::pre_vote_response: return "pre-vote-response";
    case MessageType::vote: return "vote";
    case MessageType::vote_response: return "vote-response";
    case MessageType::append: return "append";
    case MessageType::append_response: return "append-response";
    case MessageType::heartbeat: return "heartbeat";
    case MessageType::heartbeat_response: return "heartbeat-response";
    case MessageType::snapshot: return "snapshot";
    case MessageType::timeout_now: return "timeout-now";
  }
  return "?";
}

// The frame ends with a CRC so a message the network corrupted is dropped
// instead of being believed (a flipped term would be a disaster).
Bytes encode_message(const Message& message) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(message.type));
  writer.u64(message.term);
  writer.u64(message.log_index);
  writer.u64(message.log_term);
  writer.u64(message.commit);
  writer.u32(static_cast<std::uint32_t>(message.entries.size()));
  for (const Entry& entry : message.entries) encode_entry(writer, entry);
  writer.u8(message.reject ? 1 : 0);
  writer.u64(message.hint);
  writer.u64(message.read_round);
  writer.u8(message.transfer ? 1 : 0);
  if (message.type == MessageType::snapshot) {
    writer.u64(message.snapshot.index);
    writer.u64(message.snapshot.term);
    encode_config(writer, message.snapshot.config);
    writer.u64(message.snapshot.chain);
    writer.blob(message.snapshot_data);
  }
  const std::uint32_t crc = crc32c(writer.bytes());
  writer.u32(crc);
  return writer.take();
}

std::optional<Message> decode_message(ByteView bytes) {
  if (bytes.size() < 4) return std::nullopt;
  const ByteView body = bytes.first(bytes.size() - 4);
  ByteReader trailer(bytes.subspan(bytes.size() - 4));
  if (crc32c(body) != trailer.u32()) return std::nullopt;
  ByteReader reader(body);
  Message message;
  const std::uint8_t type = reader.u8();
  if (type < 1 || type > static_cast<std::uint8_t>(MessageType::timeout_now)) return std::nullopt;
  message.type = static_cast<MessageType>(type);
  message.term = reader.u64();
  message.log_index = reader.u64();
  message.log_term = reader.u64();
  message.commit = reader.u64();
  const std::uint32_t count = reader.u32();
  if (count > kEntriesPerMessageMax) return std::nullopt;
  for (std::uint32_t i = 0; i < count && reader.ok(); ++i) {
    message.entries.push_back(decode_entry(reader));
  }
  message.reject = reader.u8() != 0;
  message.hint = reader.u64();
  message.read_round = reader.u64();
  message.transfer = reader.u8() != 0;
  if (message.type == MessageType::snapshot) {
    message.snapshot.index = reader.u64();
    message.snapshot.term = reader.u64();
    message.snapshot.config = decode_config(reader);
    message.snapshot.chain = reader.u64();
    message.snapshot_data = reader.blob();
  }
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return message;
}

std::string message_text(const Message& message) {
  std::string text = message_type_name(message.type);
  text += " t" + std::to_string(message.term);
  switch (message.type) {
    case MessageType::pre_vote:
    case MessageType::vote:
      text += " last=" + std::to_string(message.log_index) + "/t" + std::to_string(message.log_term);
      if (message.transfer) text += " transfer";
      break;
    case MessageType::append:
      text += " prev=" + std::to_string(message.log_index) + "/t" +
              std::to_string(message.log_term) + " commit=" + std::to_string(message.commit);
      if (!message.entries.empty()) {
        text += " entries=" + std::to_string(message.entries.front().index);
        if (message.entries.size() > 1) text += ".." + std::to_string(message.entries.back().index);
      }
      break;
    case MessageType::heartbeat:
      text += " commit=" + std::to_string(message.commit) +
              " round=" + std::to_string(message.read_round);
      break;
    case MessageType::heartbeat_response:
      text += " round=" + std::to_string(message.read_round);
      if (message.reject) text += " repairing last=" + std::to_string(message.hint);
      break;
    case MessageType::append_response:
      text += (message.reject ? " reject hint=" : " match=") + std::to_string(message.hint);
      break;
    case MessageType::snapshot:
      text += " index=" + std::to_string(message.snapshot.index) + "/t" +
              std::to_string(message.snapshot.term) + " " + config_text(message.snapshot.config);
      break;
    case MessageType::pre_vote_response:
    case MessageType::vote_response:
      text += message.reject ? " reject" : " granted";
      break;
    case MessageType::timeout_now:
      break;
  }
  return text;
}

}  // namespace simlab::raft

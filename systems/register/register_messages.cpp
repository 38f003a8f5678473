#include "systems/register/register_messages.h"

#include "systems/common/byte_codec.h"
#include "systems/common/crc32c.h"

namespace simlab::register_demo {

Bytes encode(const ClientRequest& request) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(request.op));
  writer.i64(request.first);
  writer.i64(request.second);
  return writer.take();
}

std::optional<ClientRequest> decode_request(ByteView bytes) {
  ByteReader reader(bytes);
  ClientRequest request;
  const std::uint8_t op = reader.u8();
  request.first = reader.i64();
  request.second = reader.i64();
  if (!reader.ok() || !reader.at_end() || op > 2) return std::nullopt;
  request.op = static_cast<ClientOp>(op);
  return request;
}

Bytes encode(const ClientReply& reply) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(reply.status));
  writer.u8(reply.value ? 1 : 0);
  writer.i64(reply.value.value_or(0));
  return writer.take();
}

std::optional<ClientReply> decode_reply(ByteView bytes) {
  ByteReader reader(bytes);
  ClientReply reply;
  const std::uint8_t status = reader.u8();
  const std::uint8_t has_value = reader.u8();
  const std::int64_t value = reader.i64();
  if (!reader.ok() || !reader.at_end() || status > 2 || has_value > 1) return std::nullopt;
  reply.status = static_cast<ReplyStatus>(status);
  if (has_value) reply.value = value;
  return reply;
}

Bytes encode(const PeerMessage& message) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(message.kind));
  writer.u64(message.index);
  writer.i64(message.value);
  Bytes bytes = writer.take();
  append_crc32c(bytes);  // peer messages cross the (corrupting) network
  return bytes;
}

std::optional<PeerMessage> decode_peer(ByteView framed) {
  const auto bytes = verify_crc32c_trailer(framed);
  if (!bytes) return std::nullopt;
  ByteReader reader(*bytes);
  PeerMessage message;
  const std::uint8_t kind = reader.u8();
  message.index = reader.u64();
  message.value = reader.i64();
  if (!reader.ok() || !reader.at_end() || kind < 1 || kind > 2) return std::nullopt;
  message.kind = static_cast<PeerKind>(kind);
  return message;
}

}  // namespace simlab::register_demo

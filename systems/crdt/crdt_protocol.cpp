#include "systems/crdt/crdt_protocol.h"

#include "systems/common/byte_codec.h"
#include "systems/common/crc32c.h"

namespace simlab::crdt {
namespace {

Bytes sealed(ByteWriter& writer) {
  Bytes bytes = writer.take();
  append_crc32c(bytes);
  return bytes;
}

bool valid_op(std::uint8_t op) {
  return op >= static_cast<std::uint8_t>(ClientOp::counter_add) &&
         op <= static_cast<std::uint8_t>(ClientOp::mv_read);
}

}  // namespace

Bytes encode_request(const ClientRequest& request) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(request.op));
  writer.str(request.key);
  writer.i64(request.value);
  return sealed(writer);
}

std::optional<ClientRequest> decode_request(ByteView bytes) {
  const auto payload = verify_crc32c_trailer(bytes);
  if (!payload) return std::nullopt;
  ByteReader reader(*payload);
  ClientRequest request;
  const std::uint8_t op = reader.u8();
  request.op = static_cast<ClientOp>(op);
  request.key = reader.str();
  request.value = reader.i64();
  if (!reader.ok() || !reader.at_end() || !valid_op(op)) return std::nullopt;
  return request;
}

Bytes encode_reply(const ClientReply& reply) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(reply.status));
  writer.i64(reply.value);
  writer.u32(static_cast<std::uint32_t>(reply.elements.size()));
  for (const std::int64_t element : reply.elements) writer.i64(element);
  writer.u8(reply.written ? 1 : 0);
  return sealed(writer);
}

std::optional<ClientReply> decode_reply(ByteView bytes) {
  const auto payload = verify_crc32c_trailer(bytes);
  if (!payload) return std::nullopt;
  ByteReader reader(*payload);
  ClientReply reply;
  const std::uint8_t status = reader.u8();
  reply.status = static_cast<ClientStatus>(status);
  reply.value = reader.i64();
  const std::uint32_t count = reader.u32();
  for (std::uint32_t i = 0; i < count && reader.ok(); ++i) reply.elements.push_back(reader.i64());
  reply.written = reader.u8() != 0;
  const bool known_status = status >= static_cast<std::uint8_t>(ClientStatus::ok) &&
                            status <= static_cast<std::uint8_t>(ClientStatus::not_found);
  if (!reader.ok() || !reader.at_end() || !known_status) return std::nullopt;
  return reply;
}

namespace {

bool carries_state(PeerKind kind) {
  return kind == PeerKind::delta || kind == PeerKind::sync || kind == PeerKind::sync_reply;
}

bool carries_digests(PeerKind kind) {
  return kind == PeerKind::sync || kind == PeerKind::sync_reply;
}

Bytes encode_peer_parts(PeerKind kind, std::uint64_t incarnation, std::uint64_t sequence,
                        bool full_state, const ReplicaState* state,
                        const std::map<std::string, std::uint64_t>* digests) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(kind));
  writer.u64(incarnation);
  writer.u64(sequence);
  writer.u8(full_state ? 1 : 0);
  if (state != nullptr) write_state(writer, *state);
  if (digests != nullptr) {
    writer.u32(static_cast<std::uint32_t>(digests->size()));
    for (const auto& [key, digest] : *digests) {
      writer.str(key);
      writer.u64(digest);
    }
  }
  return sealed(writer);
}

}  // namespace

Bytes encode_peer(const PeerMessage& message) {
  return encode_peer_parts(message.kind, message.incarnation, message.sequence, message.full_state,
                           carries_state(message.kind) ? &message.state : nullptr,
                           carries_digests(message.kind) ? &message.digests : nullptr);
}

Bytes encode_delta(std::uint64_t incarnation, std::uint64_t sequence, bool full_state,
                   const ReplicaState& state) {
  return encode_peer_parts(PeerKind::delta, incarnation, sequence, full_state, &state, nullptr);
}

std::optional<PeerMessage> decode_peer(ByteView bytes) {
  const auto payload = verify_crc32c_trailer(bytes);
  if (!payload) return std::nullopt;
  ByteReader reader(*payload);
  PeerMessage message;
  const std::uint8_t kind = reader.u8();
  message.kind = static_cast<PeerKind>(kind);
  message.incarnation = reader.u64();
  message.sequence = reader.u64();
  message.full_state = reader.u8() == 1;
  if (kind < static_cast<std::uint8_t>(PeerKind::delta) ||
      kind > static_cast<std::uint8_t>(PeerKind::sync_reply))
    return std::nullopt;
  if (carries_state(message.kind)) {
    auto state = read_state(reader);
    if (!state) return std::nullopt;
    message.state = std::move(*state);
  }
  if (carries_digests(message.kind)) {
    const std::uint32_t count = reader.u32();
    for (std::uint32_t i = 0; i < count && reader.ok(); ++i) {
      std::string key = reader.str();
      message.digests[std::move(key)] = reader.u64();
    }
  }
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return message;
}

}  // namespace simlab::crdt

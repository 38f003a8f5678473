#include "systems/kv/kv_protocol.h"

#include "systems/common/byte_codec.h"

namespace simlab::kv {
namespace {

void encode_value(ByteWriter& writer, const KvValue& value) {
  if (const auto* number = std::get_if<std::int64_t>(&value.data)) {
    writer.u8(1);
    writer.i64(*number);
  } else if (const auto* text = std::get_if<std::string>(&value.data)) {
    writer.u8(2);
    writer.str(*text);
  } else {
    writer.u8(0);
  }
}

KvValue decode_value(ByteReader& reader) {
  switch (reader.u8()) {
    case 1: return KvValue{reader.i64()};
    case 2: return KvValue{reader.str()};
    default: return KvValue{};
  }
}

}  // namespace

std::string value_text(const KvValue& value) {
  if (const auto* number = std::get_if<std::int64_t>(&value.data)) return std::to_string(*number);
  if (const auto* text = std::get_if<std::string>(&value.data)) return "\"" + *text + "\"";
  return "nil";
}

const char* request_kind_name(RequestKind kind) {
  switch (kind) {
    case RequestKind::read: return "read";
    case RequestKind::write: return "write";
    case RequestKind::cas: return "cas";
    case RequestKind::append: return "append";
    case RequestKind::add_server: return "add-server";
    case RequestKind::remove_server: return "remove-server";
    case RequestKind::transfer_leader: return "transfer-leader";
    case RequestKind::status:
      return "status";
  }
  return "?";
}

const char* status_name(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::fail: return "fail";
    case Status::not_leader: return "not-leader";
    case Status::unknown: return "unknown";
    case Status::busy: return "busy";
  }
  return "?";
}

Bytes encode_request(const Request& request) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(request.kind));
  writer.u64(request.client_id);
  writer.u64(request.sequence);
  writer.u64(request.key);
  encode_value(writer, request.value);
  encode_value(writer, request.expected);
  writer.u32(request.node);
  return writer.take();
}

std::optional<Request> decode_request(ByteView bytes) {
  ByteReader reader(bytes);
  Request request;
  const std::uint8_t kind = reader.u8();
  if (kind < 1 || kind > static_cast<std::uint8_t>(RequestKind::status)) {
    return std::nullopt;
  }
  request.kind = static_cast<RequestKind>(kind);
  request.client_id = reader.u64();
  request.sequence = reader.u64();
  request.key = reader.u64();
  request.value = decode_value(reader);
  request.expected = decode_value(reader);
  request.node = reader.u32();
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return request;
}

Bytes encode_response(const Response& response) {
  ByteWriter writer;
  writer.u8(static_cast<std::uint8_t>(response.status));
  encode_value(writer, response.value);
  writer.u32(response.leader_hint);
  writer.u8(response.leader ? 1 : 0);
  writer.u64(response.term);
  writer.u64(response.last_index);
  return writer.take();
}

std::optional<Response> decode_response(ByteView bytes) {
  ByteReader reader(bytes);
  Response response;
  const std::uint8_t status = reader.u8();
  if (status < 1 || status > static_cast<std::uint8_t>(Status::busy)) return std::nullopt;
  response.status = static_cast<Status>(status);
  response.value = decode_value(reader);
  response.leader_hint = reader.u32();
  response.leader = reader.u8() != 0;
  response.term = reader.u64();
  response.last_index = reader.u64();
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return response;
}

}  // namespace simlab::kv

#include "systems/kv/kv_state_machine.h"

#include "systems/common/byte_codec.h"

namespace simlab::kv {

Response KvStateMachine::apply(std::uint64_t index, const Request& request) {
  auto found = sessions_.find(request.client_id);
  if (!no_dedupe_ && found != sessions_.end()) {
    if (request.sequence == found->second.sequence) return found->second.response;
    // An older command arriving late: its outcome was already reported
    // with a newer one; it must not run again.
    if (request.sequence < found->second.sequence) return Response{Status::fail, {}};
  }
  Response response = execute(request);
  remember(index, request, response);
  return response;
}

Response KvStateMachine::execute(const Request& request) {
  KvValue& current = values_[request.key];
  switch (request.kind) {
    case RequestKind::write:
      current = request.value;
      return Response{Status::ok, {}};
    case RequestKind::cas:
      if (!(current == request.expected)) return Response{Status::fail, current};
      current = request.value;
      return Response{Status::ok, {}};
    case RequestKind::append: {
      const auto* suffix = std::get_if<std::string>(&request.value.data);
      if (suffix == nullptr || std::holds_alternative<std::int64_t>(current.data)) {
        return Response{Status::fail, current};
      }
      // In place: appended values grow all run long, and copying them on
      // every append was a fifth of a long simulation's time.
      if (current.is_nil()) current.data = std::string();
      std::get<std::string>(current.data) += *suffix;
      return Response{Status::ok, {}};
    }
    default:
      return Response{Status::fail, {}};
  }
}

void KvStateMachine::remember(std::uint64_t index, const Request& request,
                              const Response& response) {
  if (!sessions_.contains(request.client_id) && sessions_.size() >= kSessionsMax) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_index < oldest->second.last_index) oldest = it;
    }
    sessions_.erase(oldest);
  }
  Session& session = sessions_[request.client_id];
  session.sequence = std::max(session.sequence, request.sequence);
  session.last_index = index;
  session.response = response;
}

KvValue KvStateMachine::read(std::uint64_t key) const {
  auto found = values_.find(key);
  return found == values_.end() ? KvValue{} : found->second;
}

// Snapshot layout: values then sessions, each a count and records, encoded
// through the protocol's value codec (a response is a status and a value).
Bytes KvStateMachine::snapshot() const {
  ByteWriter writer;
  writer.u32(static_cast<std::uint32_t>(values_.size()));
  for (const auto& [key, value] : values_) {
    writer.u64(key);
    writer.blob(encode_response(Response{Status::ok, value}));
  }
  writer.u32(static_cast<std::uint32_t>(sessions_.size()));
  for (const auto& [client, session] : sessions_) {
    writer.u64(client);
    writer.u64(session.sequence);
    writer.u64(session.last_index);
    writer.blob(encode_response(session.response));
  }
  return writer.take();
}

bool KvStateMachine::restore(ByteView bytes) {
  values_.clear();
  sessions_.clear();
  if (bytes.empty()) return true;
  ByteReader reader(bytes);
  const std::uint32_t value_count = reader.u32();
  for (std::uint32_t i = 0; i < value_count && reader.ok(); ++i) {
    const std::uint64_t key = reader.u64();
    const Bytes encoded = reader.blob();
    auto response = decode_response(encoded);
    if (!response) return false;
    values_[key] = response->value;
  }
  const std::uint32_t session_count = reader.u32();
  for (std::uint32_t i = 0; i < session_count && reader.ok(); ++i) {
    const std::uint64_t client = reader.u64();
    Session session;
    session.sequence = reader.u64();
    session.last_index = reader.u64();
    auto response = decode_response(reader.blob());
    if (!response) return false;
    session.response = *response;
    sessions_[client] = session;
  }
  return reader.ok() && reader.at_end();
}

}  // namespace simlab::kv

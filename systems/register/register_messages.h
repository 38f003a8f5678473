// Wire format of the demonstration register: client requests and replies,
// and the primary-to-backup replication messages.
#pragma once

#include <cstdint>
#include <optional>

#include "systems/common/types.h"

namespace simlab::register_demo {

// Node 0 is the primary; clients that reach a backup are sent there.
inline constexpr NodeId kPrimary = kFirstNodeId;

enum class ClientOp : std::uint8_t { read = 0, write = 1, cas = 2 };
enum class ReplyStatus : std::uint8_t { ok = 0, cas_mismatch = 1, not_primary = 2 };

struct ClientRequest {
  ClientOp op = ClientOp::read;
  std::int64_t first = 0;   // write: the value; cas: expected
  std::int64_t second = 0;  // cas: the new value
};

struct ClientReply {
  ReplyStatus status = ReplyStatus::ok;
  std::optional<std::int64_t> value;  // a read's value (nullopt: nil)
};

Bytes encode(const ClientRequest& request);
std::optional<ClientRequest> decode_request(ByteView bytes);
Bytes encode(const ClientReply& reply);
std::optional<ClientReply> decode_reply(ByteView bytes);

// Primary -> backup: entry `index` (1-based) of the write log.
// Backup -> primary: every entry up to `index` is durable here.
enum class PeerKind : std::uint8_t { replicate = 1, ack = 2 };
struct PeerMessage {
  PeerKind kind = PeerKind::replicate;
  std::uint64_t index = 0;
  std::int64_t value = 0;
};
Bytes encode(const PeerMessage& message);
std::optional<PeerMessage> decode_peer(ByteView bytes);

}  // namespace simlab::register_demo

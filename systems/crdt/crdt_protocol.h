// The CRDT store's wire format: client requests and replies, and the
// replicas' delta-interval and acknowledgement messages. Every message ends
// in a CRC-32C, so a payload the network damaged decodes as nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/types.h"
#include "systems/crdt/crdt_types.h"

namespace simlab::crdt {

enum class ClientOp : std::uint8_t {
  counter_add = 1,
  counter_read,
  set_add,
  set_remove,
  set_read,
  register_write,
  register_read,
  mv_write,  // a multi-value register's: replaces the siblings this replica holds
  mv_read,
};

struct ClientRequest {
  ClientOp op = ClientOp::counter_read;
  std::string key;
  std::int64_t value = 0;  // a counter's delta, a set's element, or a register's value
};

enum class ClientStatus : std::uint8_t {
  ok = 1,
  not_ready,  // still recovering from its disk: nothing happened
  not_found,  // a remove of an element this replica does not hold: nothing happened
};

struct ClientReply {
  ClientStatus status = ClientStatus::ok;
  std::int64_t value = 0;              // a counter or register read's value
  std::vector<std::int64_t> elements;  // a set read's elements, or an MV read's siblings, ascending
  bool written = false;                // a register read: the register was ever written
};

enum class PeerKind : std::uint8_t {
  delta = 1,  // the join of the sender's deltas up to `sequence` (or its whole state)
  ack,        // the receiver holds, durably, everything up to `sequence`
  resync,     // the sender's disk was empty at boot: send it your whole state
  // The sync protocol between an offline replica and its home server (an
  // Automerge-style exchange of summaries and what the other lacks):
  sync,        // an offline replica's changes, and a digest of each key it holds
  sync_reply,  // the server's state of each key whose digest differed, and its digests
};

struct PeerMessage {
  PeerKind kind = PeerKind::delta;
  // The sender's boot (a random number drawn at start): an ack names the
  // boot whose sequence numbers it counts.
  std::uint64_t incarnation = 0;
  std::uint64_t sequence = 0;
  bool full_state = false;  // the delta is the sender's whole state (anti-entropy)
  ReplicaState state;
  // sync and sync_reply: a digest per typed key (crdt_sync.h), after what
  // the sender merged.
  std::map<std::string, std::uint64_t> digests;
};

// An ack or a resync: a kind, a boot and a sequence, nothing more.
inline PeerMessage control_message(PeerKind kind, std::uint64_t incarnation,
                                   std::uint64_t sequence) {
  PeerMessage message;
  message.kind = kind;
  message.incarnation = incarnation;
  message.sequence = sequence;
  return message;
}

Bytes encode_request(const ClientRequest& request);
std::optional<ClientRequest> decode_request(ByteView bytes);
Bytes encode_reply(const ClientReply& reply);
std::optional<ClientReply> decode_reply(ByteView bytes);
Bytes encode_peer(const PeerMessage& message);
// A delta message of `state` without copying it into a PeerMessage (a
// replica's whole state, for anti-entropy).
Bytes encode_delta(std::uint64_t incarnation, std::uint64_t sequence, bool full_state,
                   const ReplicaState& state);
std::optional<PeerMessage> decode_peer(ByteView bytes);

}  // namespace simlab::crdt

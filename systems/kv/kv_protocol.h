// The KV store's client protocol, shared by the node (systems/kv) and the
// client (workloads/kv_*). Requests carry a client session (client id +
// sequence number) so a retried command applies at most once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "systems/common/types.h"

namespace simlab::kv {

// A stored value: absent, an integer (registers) or a string (append lists).
struct KvValue {
  std::variant<std::monostate, std::int64_t, std::string> data;
  bool is_nil() const { return std::holds_alternative<std::monostate>(data); }
  friend bool operator==(const KvValue&, const KvValue&) = default;
};
std::string value_text(const KvValue& value);

enum class RequestKind : std::uint8_t {
  read = 1,
  write,
  cas,              // compare-and-set: value = new, expected = old
  append,           // string concatenation
  add_server,       // admin: membership change (node)
  remove_server,    // admin
  transfer_leader,  // admin: hand leadership to node
  status,           // what this node thinks it is (the nemesis finds roles with it, as Jepsen
                    // asks etcd's status endpoint): never changes anything
};
const char* request_kind_name(RequestKind kind);

struct Request {
  RequestKind kind = RequestKind::read;
  std::uint64_t client_id = 0;
  std::uint64_t sequence = 0;  // per client, from 1, one op at a time
  std::uint64_t key = 0;
  KvValue value;
  KvValue expected;
  NodeId node = 0;  // admin requests
};

// No leader known (node ids start at 0).
inline constexpr NodeId kNoLeader = 0xFFFF'FFFF;

enum class Status : std::uint8_t {
  ok = 1,
  fail,        // definitely not applied (cas mismatch, type error)
  not_leader,  // definitely not applied here; leader_hint may name the leader
  unknown,     // may or may not apply later (leadership lost while pending)
  busy,        // definitely not applied: try again later
};
const char* status_name(Status status);

struct Response {
  Status status = Status::ok;
  KvValue value;
  NodeId leader_hint = kNoLeader;
  // Answers to a status request (zero otherwise).
  bool leader = false;  // it believes it leads
  std::uint64_t term = 0;
  std::uint64_t last_index = 0;
};

Bytes encode_request(const Request& request);
std::optional<Request> decode_request(ByteView bytes);
Bytes encode_response(const Response& response);
std::optional<Response> decode_response(ByteView bytes);

}  // namespace simlab::kv

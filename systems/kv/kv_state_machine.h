// The replicated key-value map and its client sessions (Raft thesis §6.3:
// "each client is given a unique identifier, and clients assign unique serial
// numbers to every command"; the state machine remembers the latest serial
// and response per client and answers a retry from memory).
#pragma once

#include <cstdint>
#include <map>

#include "systems/kv/kv_protocol.h"

namespace simlab::kv {

// Clients remembered at once; the least recently active one is forgotten
// first (a retry from it then applies again, as the thesis notes).
inline constexpr std::size_t kSessionsMax = 4096;

class KvStateMachine {
 public:
  explicit KvStateMachine(bool planted_no_dedupe = false) : no_dedupe_(planted_no_dedupe) {}

  // Applies a write, cas or append at log position `index`.
  Response apply(std::uint64_t index, const Request& request);
  KvValue read(std::uint64_t key) const;

  Bytes snapshot() const;
  bool restore(ByteView bytes);
  std::size_t session_count() const { return sessions_.size(); }
  std::size_t key_count() const { return values_.size(); }

 private:
  struct Session {
    std::uint64_t sequence = 0;
    std::uint64_t last_index = 0;
    Response response;
  };
  Response execute(const Request& request);
  void remember(std::uint64_t index, const Request& request, const Response& response);
  std::map<std::uint64_t, KvValue> values_;
  std::map<std::uint64_t, Session> sessions_;
  bool no_dedupe_;
};

}  // namespace simlab::kv

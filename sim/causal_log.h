// Which event caused which, for the causal story of a failing run (kept only
// when asked: a shrunk run is small). Every node step (a delivered message,
// a timer, a disk completion, a client request, a boot) and every reply a
// client receives is an event; what a step does (the messages it sends, the
// timers it sets, the disk operations it issues, the replies it sends)
// names that step as its cause, so each event has one immediate cause and
// Lamport's happens-before is the closure of those edges plus each node's
// own order ("Time, Clocks, and the Ordering of Events", 1978).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "systems/common/types.h"

namespace simlab::sim {

enum class CausalKind : std::uint8_t {
  start,
  message,
  timer,
  disk_done,
  client_request,
  client_reply
};
const char* causal_kind_name(CausalKind kind);

struct CausalEvent {
  std::int64_t time_ns = 0;
  CausalKind kind = CausalKind::start;
  NodeId node = 0;          // where it happened (client_reply: the node that replied)
  NodeId from = 0;          // message: its sender
  std::uint32_t fiber = 0;  // client_request, client_reply: the client's fiber
  std::int64_t cause = -1;  // the step whose effect this is; -1: a client, the nemesis, a boot
  Bytes payload;            // message, client_request, client_reply
};

class CausalLog {
 public:
  explicit CausalLog(bool on) : on_(on) {}
  bool on() const { return on_; }
  // Records an event; until end(), effects name it as their cause.
  void begin(CausalEvent event) {
    if (!on_) return;
    events_.push_back(std::move(event));
    current_ = static_cast<std::int64_t>(events_.size()) - 1;
  }
  void end() { current_ = -1; }
  std::int64_t current() const { return current_; }
  void name_fiber(std::uint32_t fiber, const std::string& name) {
    if (!on_) return;
    if (fiber_names_.size() <= fiber) fiber_names_.resize(fiber + 1);
    fiber_names_[fiber] = name;
  }
  const std::vector<CausalEvent>& events() const { return events_; }
  const std::vector<std::string>& fiber_names() const { return fiber_names_; }

 private:
  bool on_;
  std::int64_t current_ = -1;
  std::vector<CausalEvent> events_;
  std::vector<std::string> fiber_names_;
};

}  // namespace simlab::sim

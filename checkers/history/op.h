// One event of a history (ARCHITECTURE.md, "Histories and checkers").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkers/history/value.h"

namespace simlab::history {

enum class OpType : std::uint8_t {
  invoke,
  ok,    // it happened, with this value
  fail,  // it definitely did not happen
  info,  // unknown: it may take effect at any time after its invocation, or
         // never; the process invokes nothing afterwards
};

struct Op {
  std::int64_t index = 0;  // position in the history, 0-based, dense
  std::int64_t time = 0;   // nanoseconds; only the order matters
  std::int64_t process = 0;
  OpType type = OpType::invoke;
  std::string f;                     // "read", "write", "cas", "append", "txn", ...
  std::optional<Value> key;          // absent for single-register histories
  Value value;
  // 1-based line of the file the op was read from (where its text starts),
  // so errors found after reading can still name it; 0 when not from a file.
  std::int64_t line = 0;
};

using History = std::vector<Op>;

// Where the op invoked at `invocation` completes: the next op of its
// process (a process invokes again only once its op completed), or
// nothing when it never completed.
inline std::optional<std::size_t> completion_position(const History& history,
                                                      std::size_t invocation) {
  for (std::size_t i = invocation + 1; i < history.size(); ++i)
    if (history[i].process == history[invocation].process) return i;
  return std::nullopt;
}

}  // namespace simlab::history

// One event of a history (ARCHITECTURE.md, "Histories and checkers").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
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
  // The history marks it final: issued once the faults had healed and the
  // system had time to settle, so it must see every acknowledged write
  // (Maelstrom's :final? true, JSONL's "final": true).
  bool final_read = false;
  // The replica that served it, when the history says (JSONL's "node",
  // EDN's :node): "" otherwise. Convergence names diverged replicas by it.
  std::string node = {};
  // Why a fail or info completion ended so, when the client says (JSONL's
  // "error" as a string; "crashed": the client crashed mid-op, Jepsen's
  // crashed clients): "" otherwise.
  std::string error = {};
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

// Every invocation's completion position in one pass (-1 for a completion,
// and for an invocation that never completed).
inline std::vector<std::int64_t> completion_positions(const History& history) {
  std::vector<std::int64_t> completion(history.size(), -1);
  std::unordered_map<std::int64_t, std::size_t> pending;  // by process
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Op& op = history[i];
    if (op.type == OpType::invoke) {
      pending[op.process] = i;
    } else if (const auto found = pending.find(op.process); found != pending.end()) {
      completion[found->second] = static_cast<std::int64_t>(i);
      pending.erase(found);
    }
  }
  return completion;
}

// The inverse of completion_positions: each completion's invocation (-1
// for an invocation).
inline std::vector<std::int64_t> invocation_positions(
    const std::vector<std::int64_t>& completions) {
  std::vector<std::int64_t> invocation(completions.size(), -1);
  for (std::size_t i = 0; i < completions.size(); ++i) {
    if (completions[i] >= 0)
      invocation[static_cast<std::size_t>(completions[i])] = static_cast<std::int64_t>(i);
  }
  return invocation;
}

}  // namespace simlab::history

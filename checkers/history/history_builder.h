// Collects ops as a reader produces them and checks the shape every checker
// relies on: each completion answers a pending invocation of its process,
// with the same f, and no process invokes while it has an op pending.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "checkers/history/op.h"

namespace simlab::history {

class HistoryBuilder {
 public:
  explicit HistoryBuilder(std::string file_name) : file_name_(std::move(file_name)) {}

  // Appends `op` read from 1-based `line`. Sets op.line, op.index to its position, and
  // op.time to the position too when `has_time` is false (only order matters).
  // Throws ParseError naming the line when the op breaks the shape above.
  void add(Op op, std::int64_t line, bool has_time);

  // Ops still pending are left as they are: their outcome is unknown.
  History finish() { return std::move(history_); }

  const std::string& file_name() const { return file_name_; }

 private:
  struct Pending {
    std::size_t position;
    std::int64_t line;
  };
  std::string file_name_;
  History history_;
  std::unordered_map<std::int64_t, Pending> pending_;  // by process
};

}  // namespace simlab::history

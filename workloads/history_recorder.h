// Collects the ops clients invoke and complete, in the order they happen, as
// a history a checker can judge. One recorder per run; clients share it
// (they run as fibers on one thread, so no locking).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "checkers/history/op.h"

namespace simlab {

class HistoryRecorder {
 public:
  // Records an invocation and returns it so the completion can echo f/key.
  // A final read (Op::final_read) and the node that serves it (Op::node)
  // are marked on both its invocation and its completion.
  const history::Op& invoke(std::int64_t time_ns, std::int64_t process, std::string f,
                            std::optional<history::Value> key, history::Value value,
                            bool final_read = false, std::string node = {});
  // Completes `process`'s pending op. REQUIRES: it has one; type != invoke.
  // `error` says why a fail or info ended so (Op::error).
  void complete(std::int64_t time_ns, std::int64_t process, history::OpType type,
                history::Value value, std::string error = {});
  // Completes every op still pending as `info`: the run ended before its
  // outcome was known. Returns how many were closed.
  std::size_t close_pending(std::int64_t time_ns);
  const history::History& history() const { return history_; }
  // Ops that completed ok and were not reads (nor polls or assigns): the
  // promises a system made.
  std::uint64_t acknowledged_writes() const { return acknowledged_writes_; }
  history::History take() { return std::move(history_); }

 private:
  history::Op& append(std::int64_t time_ns, std::int64_t process, history::OpType type);
  history::History history_;
  std::uint64_t acknowledged_writes_ = 0;
};

}  // namespace simlab

// P-compositionality (Herlihy and Wing, "Linearizability: A Correctness
// Condition for Concurrent Objects", TOPLAS 1990, section 3.3): a history is
// linearizable iff its restriction to each object is, so a keyed history is
// split per key and each part is checked alone. Each part is compiled for
// its own model instance.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "checkers/history/op.h"
#include "checkers/linearizability/model.h"

namespace simlab::linearizability {

// Returned for ops whose outcome is unknown: they may take effect until the end.
constexpr std::int64_t kOpenReturn = std::numeric_limits<std::int64_t>::max();

struct PartitionOp {
  Call call;
  std::int64_t invoke_position = 0;  // positions in the history give real-time order
  std::int64_t return_position = kOpenReturn;
  std::int64_t completion_position = -1;  // -1 while pending at the end
};

struct Partition {
  std::optional<history::Value> key;
  std::unique_ptr<Model> model;
  std::vector<PartitionOp> ops;  // in invocation order
};

// An op the model does not know (say a cas with no [from to]). expected()
// names the model itself ("expected f read or write for the register
// model, found f \"enqueue\""), so a caller adds only where the op is.
class ModelError : public std::runtime_error {
 public:
  ModelError(std::int64_t position, std::int64_t line, const std::string& expected)
      : std::runtime_error("op " + std::to_string(position) + ": " + expected),
        position_(position),
        line_(line),
        expected_(expected) {}
  std::int64_t position() const { return position_; }  // in the history, 0-based
  std::int64_t line() const { return line_; }          // Op::line of the invocation; 0 if unknown
  const std::string& expected() const { return expected_; }

 private:
  std::int64_t position_;
  std::int64_t line_;
  std::string expected_;
};

// Drops ops that failed (they did not happen) and reads with unknown outcomes
// (they constrain nothing: pending, :info, and under NilRead::any :ok reads
// of nil). REQUIRES: a history that passed HistoryBuilder's
// checks. Throws ModelError.
std::vector<Partition> partition_history(const history::History& history, const ModelFactory& factory);

}  // namespace simlab::linearizability

// Why a history is not linearizable, in terms a person can follow: the op
// that cannot be placed, how far the search got (the longest linearizable
// prefix and the model state it leaves), and the ops concurrent with the
// stuck one, any of which might have been expected to come first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "checkers/history/op.h"

namespace simlab::linearizability {

// An op as its invocation and completion describe it.
struct ExplainedOp {
  std::int64_t invoke_index = 0;
  std::int64_t completion_index = -1;  // -1 while pending at the end
  std::int64_t process = 0;
  std::string f;
  history::Value value;                  // what was invoked
  std::optional<history::Value> result;  // what an :ok completion returned
  std::string outcome;                   // ok, info or pending
};

struct Explanation {
  std::optional<history::Value> key;  // the partition, for keyed histories
  std::string reason;                 // one line
  std::optional<ExplainedOp> blocked;
  std::size_t prefix_length = 0;
  std::vector<ExplainedOp> prefix_tail;  // the last ops of the longest prefix, in order
  std::vector<ExplainedOp> concurrent;
  std::optional<std::string> state;  // after the longest prefix
};

ExplainedOp explain_op(const history::History& history, std::int64_t invoke_index, std::int64_t completion_index);
std::string describe_op(const ExplainedOp& op);  // "#12 process 3 cas [1 2] -> ok"

// Several lines, each indented by `indent`, ending in a newline; the reason
// is left to the caller's verdict line.
std::string explanation_text(const Explanation& explanation, std::string_view indent = "  ");
nlohmann::json explanation_json(const Explanation& explanation);

}  // namespace simlab::linearizability

#include "checkers/history/history_builder.h"

#include "checkers/history/op_type.h"
#include "checkers/history/parse_error.h"

namespace simlab::history {

void HistoryBuilder::add(Op op, std::int64_t line, bool has_time) {
  const auto position = static_cast<std::int64_t>(history_.size());
  op.index = position;
  op.line = line;
  if (!has_time) op.time = position;
  const auto found = pending_.find(op.process);
  if (op.type == OpType::invoke) {
    if (found != pending_.end()) {
      throw ParseError(file_name_, line,
                       "expected process " + std::to_string(op.process) +
                           " to complete its op invoked on line " +
                           std::to_string(found->second.line) + " before invoking again");
    }
    pending_.emplace(op.process, Pending{history_.size(), line});
  } else {
    if (found == pending_.end()) {
      throw ParseError(file_name_, line,
                       "expected an invocation by process " + std::to_string(op.process) +
                           " before this :" + std::string(op_type_name(op.type)) + " completion");
    }
    const Op& invocation = history_[found->second.position];
    if (invocation.f != op.f) {
      throw ParseError(file_name_, line,
                       "expected f \"" + invocation.f + "\" to match the invocation on line " +
                           std::to_string(found->second.line) + ", got \"" + op.f + "\"");
    }
    if (!op.key && invocation.key) op.key = invocation.key;
    pending_.erase(found);
  }
  history_.push_back(std::move(op));
}

}  // namespace simlab::history

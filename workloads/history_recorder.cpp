#include "workloads/history_recorder.h"

#include <stdexcept>

namespace simlab {

history::Op& HistoryRecorder::append(std::int64_t time_ns, std::int64_t process,
                                     history::OpType type) {
  history::Op& op = history_.emplace_back();
  op.index = static_cast<std::int64_t>(history_.size()) - 1;
  op.time = time_ns;
  op.process = process;
  op.type = type;
  return op;
}

const history::Op& HistoryRecorder::invoke(std::int64_t time_ns, std::int64_t process,
                                           std::string f, std::optional<history::Value> key,
                                           history::Value value) {
  history::Op& op = append(time_ns, process, history::OpType::invoke);
  op.f = std::move(f);
  op.key = std::move(key);
  op.value = std::move(value);
  return op;
}

void HistoryRecorder::complete(std::int64_t time_ns, std::int64_t process, history::OpType type,
                               history::Value value) {
  // Find the process's pending invocation, newest first: clients keep at most
  // one op in flight, so it is near the end.
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    if (it->process != process) continue;
    if (it->type != history::OpType::invoke) break;
    history::Op invocation = *it;
    history::Op& op = append(time_ns, process, type);
    op.f = std::move(invocation.f);
    op.key = std::move(invocation.key);
    op.value = std::move(value);
    return;
  }
  throw std::logic_error("HistoryRecorder::complete: process " + std::to_string(process) +
                         " has no pending invocation");
}

}  // namespace simlab

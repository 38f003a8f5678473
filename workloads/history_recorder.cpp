#include "workloads/history_recorder.h"

#include <map>
#include <stdexcept>

namespace simlab {
namespace {

// Ops that only read (or only say what a consumer reads) promise nothing.
bool is_write(const std::string& f) {
  return f != "read" && f != "poll" && f != "final-poll" && f != "assign";
}

}  // namespace

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
                                           history::Value value, bool final_read,
                                           std::string node) {
  history::Op& op = append(time_ns, process, history::OpType::invoke);
  op.f = std::move(f);
  op.key = std::move(key);
  op.value = std::move(value);
  op.final_read = final_read;
  op.node = std::move(node);
  return op;
}

void HistoryRecorder::complete(std::int64_t time_ns, std::int64_t process, history::OpType type,
                               history::Value value, std::string error) {
  // Find the process's pending invocation, newest first: clients keep at most
  // one op in flight, so it is near the end.
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    if (it->process != process) continue;
    if (it->type != history::OpType::invoke) break;
    history::Op invocation = *it;
    history::Op& op = append(time_ns, process, type);
    if (type == history::OpType::ok && is_write(invocation.f)) ++acknowledged_writes_;
    op.f = std::move(invocation.f);
    op.key = std::move(invocation.key);
    op.value = std::move(value);
    op.final_read = invocation.final_read;
    op.node = std::move(invocation.node);
    op.error = std::move(error);
    return;
  }
  throw std::logic_error("HistoryRecorder::complete: process " + std::to_string(process) +
                         " has no pending invocation");
}

std::size_t HistoryRecorder::close_pending(std::int64_t time_ns) {
  // An invoke is pending when no later op of its process exists: clients
  // keep one op in flight, so the last op of each process decides.
  std::map<std::int64_t, std::size_t> last_of_process;
  for (std::size_t i = 0; i < history_.size(); ++i) last_of_process[history_[i].process] = i;
  std::size_t closed = 0;
  for (const auto& [process, index] : last_of_process) {
    if (history_[index].type != history::OpType::invoke) continue;
    complete(time_ns, process, history::OpType::info, history_[index].value);
    ++closed;
  }
  return closed;
}

}  // namespace simlab

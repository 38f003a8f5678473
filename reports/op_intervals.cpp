#include "reports/op_intervals.h"

#include <map>

namespace simlab::reports {

std::vector<OpInterval> pair_ops(const history::History& history) {
  std::vector<OpInterval> intervals;
  std::map<std::int64_t, std::size_t> open_by_process;  // process -> position in `intervals`
  for (std::size_t i = 0; i < history.size(); ++i) {
    const history::Op& op = history[i];
    if (op.type == history::OpType::invoke) {
      open_by_process[op.process] = intervals.size();
      intervals.push_back({static_cast<std::int64_t>(i), -1, op.time, -1, history::OpType::invoke});
      continue;
    }
    const auto open = open_by_process.find(op.process);
    if (open == open_by_process.end()) continue;
    OpInterval& interval = intervals[open->second];
    interval.completion_index = static_cast<std::int64_t>(i);
    interval.end_ns = op.time;
    interval.outcome = op.type;
    open_by_process.erase(open);
  }
  return intervals;
}

}  // namespace simlab::reports

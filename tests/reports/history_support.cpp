#include "tests/reports/history_support.h"

#include <vector>

namespace simlab::reports::testing {

void add_op(history::History& history, std::int64_t time, std::int64_t process,
            history::OpType type, const std::string& f, history::Value value) {
  history.push_back({static_cast<std::int64_t>(history.size()), time, process, type, f,
                     std::nullopt, std::move(value)});
}

history::History synthetic_history(std::int64_t ops, std::int64_t processes,
                                   std::int64_t info_every, std::int64_t fail_every) {
  history::History history;
  std::vector<std::int64_t> lanes(static_cast<std::size_t>(processes));
  for (std::int64_t p = 0; p < processes; ++p) lanes[static_cast<std::size_t>(p)] = p;
  for (std::int64_t i = 0; i < ops; ++i) {
    const std::int64_t start = i * 1'000'000;
    std::int64_t& process = lanes[static_cast<std::size_t>(i % processes)];
    const bool write = i % 2 == 0;
    add_op(history, start, process, history::OpType::invoke, write ? "write" : "read",
           write ? history::Value::integer(i) : history::Value());
    history::OpType outcome = history::OpType::ok;
    if (info_every > 0 && i % info_every == info_every - 1) outcome = history::OpType::info;
    if (fail_every > 0 && i % fail_every == fail_every - 1) outcome = history::OpType::fail;
    const bool read_result = !write && outcome == history::OpType::ok;
    add_op(history, start + 700'000, process, outcome, write ? "write" : "read",
           history::Value::integer(read_result ? i - 1 : i));
    if (outcome == history::OpType::info)
      process += processes;  // an info process never invokes again
  }
  return history;
}

}  // namespace simlab::reports::testing

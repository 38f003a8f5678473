#include "checkers/txn/realtime_order.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <vector>

namespace simlab::txn {

bool may_have_committed(const Txn& txn) { return txn.status != TxnStatus::aborted; }

void add_process_edges(const TxnHistory& history, DependencyGraph& graph) {
  std::unordered_map<std::int64_t, std::uint32_t> last;  // process -> its latest txn
  for (std::uint32_t id = 0; id < history.txns.size(); ++id) {
    const Txn& txn = history.txns[id];
    if (!may_have_committed(txn)) continue;
    auto [it, fresh] = last.try_emplace(txn.process, id);
    if (!fresh) {
      graph.add_order({it->second, id, kProcess});
      it->second = id;
    }
  }
}

// Walks invocations (members, in order) and completions (a min-heap on
// position) together. `maximal` holds completed transactions none of which
// precedes another; a completion removes the ones that completed before the
// completing transaction was invoked, which it now follows.
void for_each_realtime_edge(const TxnHistory& history, std::span<const std::uint32_t> members,
                            const std::function<void(std::uint32_t, std::uint32_t)>& emit) {
  using Completion = std::pair<std::int64_t, std::uint32_t>;  // position, txn
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> completions;
  std::vector<std::uint32_t> maximal;
  auto complete_until = [&](std::int64_t position) {
    while (!completions.empty() && completions.top().first < position) {
      const std::uint32_t done = completions.top().second;
      completions.pop();
      const std::int64_t invoked = history.txns[done].invoke_position;
      std::erase_if(maximal, [&](std::uint32_t other) {
        return history.txns[other].complete_position < invoked;
      });
      maximal.push_back(done);
    }
  };
  for (const std::uint32_t id : members) {
    const Txn& txn = history.txns[id];
    complete_until(txn.invoke_position);
    for (const std::uint32_t before : maximal) emit(before, id);
    if (txn.complete_position != kNoPosition) completions.push({txn.complete_position, id});
  }
}

void add_realtime_edges(const TxnHistory& history, DependencyGraph& graph) {
  std::vector<std::uint32_t> members;
  members.reserve(history.txns.size());
  for (std::uint32_t id = 0; id < history.txns.size(); ++id) {
    if (may_have_committed(history.txns[id])) members.push_back(id);
  }
  // compile_history emits txns in invocation order already; keep it explicit.
  std::stable_sort(members.begin(), members.end(), [&](std::uint32_t a, std::uint32_t b) {
    return history.txns[a].invoke_position < history.txns[b].invoke_position;
  });
  for_each_realtime_edge(history, members, [&](std::uint32_t from, std::uint32_t to) {
    graph.add_order({from, to, kRealtime});
  });
}

}  // namespace simlab::txn

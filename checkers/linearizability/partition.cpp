#include "checkers/linearizability/partition.h"

#include <unordered_map>

#include "checkers/history/value_format.h"

namespace simlab::linearizability {

using history::Op;
using history::OpType;

std::vector<Partition> partition_history(const history::History& history, const ModelFactory& factory) {
  const std::vector<std::int64_t> completion = history::completion_positions(history);
  std::vector<Partition> partitions;
  std::unordered_map<history::Value, std::size_t, history::ValueHash> by_key;
  std::optional<std::size_t> unkeyed;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Op& invocation = history[i];
    if (invocation.type != OpType::invoke) continue;
    const Op* done = completion[i] < 0 ? nullptr : &history[static_cast<std::size_t>(completion[i])];
    if (done && done->type == OpType::fail) continue;
    std::size_t part = 0;
    if (invocation.key) {
      const auto [found, inserted] = by_key.try_emplace(*invocation.key, partitions.size());
      if (inserted) partitions.push_back(Partition{invocation.key, factory(), {}});
      part = found->second;
    } else {
      if (!unkeyed) {
        unkeyed = partitions.size();
        partitions.push_back(Partition{std::nullopt, factory(), {}});
      }
      part = *unkeyed;
    }
    Partition& partition = partitions[part];
    PartitionOp op;
    const bool known = done && done->type == OpType::ok;
    if (auto error = partition.model->compile(invocation, known ? done : nullptr, op.call)) {
      throw ModelError(static_cast<std::int64_t>(i), invocation.line, *error);
    }
    if (!op.call.output_known && partition.model->read_only(op.call)) continue;
    op.invoke_position = static_cast<std::int64_t>(i);
    op.completion_position = completion[i];
    op.return_position = known ? completion[i] : kOpenReturn;
    partition.ops.push_back(op);
  }
  // A key whose every op failed or was an unknown read has nothing to check.
  std::erase_if(partitions, [](const Partition& partition) { return partition.ops.empty(); });
  for (Partition& partition : partitions) {
    std::vector<Call> calls;
    calls.reserve(partition.ops.size());
    for (const PartitionOp& op : partition.ops) calls.push_back(op.call);
    partition.model->finish_compile(calls);
    for (std::size_t i = 0; i < calls.size(); ++i) partition.ops[i].call = calls[i];
  }
  return partitions;
}

}  // namespace simlab::linearizability

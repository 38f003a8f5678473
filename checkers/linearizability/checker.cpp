#include "checkers/linearizability/checker.h"

#include <algorithm>

#include "checkers/history/value_format.h"
#include "checkers/linearizability/partition.h"
#include "checkers/linearizability/search.h"
#include "checkers/linearizability/unique_register.h"

namespace simlab::linearizability {
namespace {

constexpr std::size_t kPrefixTailMax = 10;
constexpr std::size_t kConcurrentMax = 20;
// A fast-path refutation is explained by a search too, within this much time.
constexpr std::chrono::seconds kExplainTimeMax{2};
// The explanation of a fast-path finding is searched on a work budget too,
// so the same history is explained the same way everywhere.
constexpr std::int64_t kExplainStepsMax = 20'000'000;

ExplainedOp explain(const history::History& history, const PartitionOp& op) {
  return explain_op(history, op.invoke_position, op.completion_position);
}

Explanation explain_search(const history::History& history, const Partition& partition,
                           const SearchResult& search) {
  Explanation explanation;
  explanation.key = partition.key;
  const PartitionOp& blocked = partition.ops[static_cast<std::size_t>(search.blocked_op)];
  explanation.blocked = explain(history, blocked);
  explanation.prefix_length = search.longest_prefix.size();
  const std::size_t tail_start = search.longest_prefix.size() - std::min(search.longest_prefix.size(), kPrefixTailMax);
  for (std::size_t i = tail_start; i < search.longest_prefix.size(); ++i) {
    explanation.prefix_tail.push_back(explain(history, partition.ops[static_cast<std::size_t>(search.longest_prefix[i])]));
  }
  for (const PartitionOp& op : partition.ops) {
    if (explanation.concurrent.size() == kConcurrentMax) break;
    const bool overlaps = op.invoke_position < blocked.return_position && blocked.invoke_position < op.return_position;
    if (overlaps && &op != &blocked) explanation.concurrent.push_back(explain(history, op));
  }
  explanation.state = partition.model->describe_state(search.state_after_prefix);
  explanation.reason = describe_op(*explanation.blocked) + " cannot be linearized after the longest linearizable prefix (" +
                       std::to_string(explanation.prefix_length) + " ops), which leaves the state " + *explanation.state;
  return explanation;
}

std::string partition_name(const Partition& partition) {
  return partition.key ? "key " + history::format_value(*partition.key) : "the history";
}

}  // namespace

CheckResult check_linearizability(const history::History& history, const ModelFactory& factory,
                                  const CheckOptions& options) {
  Budget budget;
  budget.deadline = std::chrono::steady_clock::now() + options.time_limit;
  budget.memory_bytes_max = options.memory_limit_bytes;
  budget.steps_max = options.search_steps_max;
  CheckResult result;
  std::vector<Partition> partitions = partition_history(history, factory);
  result.stats.partitions = partitions.size();
  for (Partition& partition : partitions) {
    result.stats.ops += partition.ops.size();
    if (options.fast_path) {
      if (const auto fast = check_unique_register(partition)) {
        ++result.stats.fast_path_partitions;
        if (fast->verdict == Verdict::valid) continue;
        Budget explain_budget = budget;
        explain_budget.deadline = std::min(budget.deadline, std::chrono::steady_clock::now() + kExplainTimeMax);
        explain_budget.steps_max = kExplainStepsMax;
        const SearchResult search = search_linearization(partition, explain_budget);
        result.explanation = search.verdict == Verdict::invalid ? explain_search(history, partition, search) : Explanation{};
        result.explanation->key = partition.key;
        result.explanation->reason = fast->reason;
        result.verdict = Verdict::invalid;
        result.reason = partition_name(partition) + ": " + fast->reason;
        return result;
      }
    }
    ++result.stats.searched_partitions;
    budget.steps_max =
        options.search_steps_max < 0
            ? -1
            : std::max<std::int64_t>(0, options.search_steps_max - result.stats.search_steps);
    const SearchResult search = search_linearization(partition, budget);
    result.stats.search_steps += search.steps;
    if (search.verdict == Verdict::invalid) {
      result.verdict = Verdict::invalid;
      result.explanation = explain_search(history, partition, search);
      result.reason = partition_name(partition) + ": " + result.explanation->reason;
      return result;
    }
    if (search.verdict == Verdict::unknown && result.verdict == Verdict::valid) {
      result.verdict = Verdict::unknown;  // a later part may still prove the history invalid
      result.reason = partition_name(partition) + ": " + search.reason;
      result.safety_net = search.safety_net;
    }
  }
  return result;
}

}  // namespace simlab::linearizability

#include "brute_force_support.h"

#include <stdexcept>
#include <limits>
#include <map>
#include <memory>
#include <vector>

#include "checkers/history/value_format.h"

namespace simlab::linearizability::testing {
namespace {

using history::OpType;

struct BruteOp {
  std::size_t object = 0;
  Call call;
  std::int64_t invoke = 0;
  std::int64_t returned = std::numeric_limits<std::int64_t>::max();
  bool required = true;  // false when the outcome is unknown
};

struct Search {
  std::vector<BruteOp> ops;
  std::vector<std::unique_ptr<Model>> models;  // one per object (key)

  bool run(std::uint64_t remaining, std::vector<std::int64_t>& states) {
    bool required_left = false;
    std::int64_t earliest_return = std::numeric_limits<std::int64_t>::max();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (!(remaining >> i & 1)) continue;
      required_left |= ops[i].required;
      earliest_return = std::min(earliest_return, ops[i].returned);
    }
    if (!required_left) return true;  // unknown ops left over never happened
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (!(remaining >> i & 1) || ops[i].invoke > earliest_return) continue;
      const BruteOp& op = ops[i];
      if (!op.required && run(remaining & ~(std::uint64_t{1} << i), states)) return true;  // left out
      std::int64_t next = 0;
      if (!models[op.object]->step(states[op.object], op.call, next)) continue;
      const std::int64_t before = states[op.object];
      states[op.object] = next;
      const bool found = run(remaining & ~(std::uint64_t{1} << i), states);
      states[op.object] = before;
      if (found) return true;
    }
    return false;
  }
};

}  // namespace

bool brute_force_linearizable(const history::History& history, const ModelFactory& factory) {
  Search search;
  std::map<std::string, std::size_t> objects;  // by printed key
  std::map<std::int64_t, std::size_t> pending;  // process -> index into history
  std::vector<std::int64_t> completion(history.size(), -1);
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].type == OpType::invoke) {
      pending[history[i].process] = i;
    } else if (pending.count(history[i].process)) {
      completion[pending[history[i].process]] = static_cast<std::int64_t>(i);
      pending.erase(history[i].process);
    }
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].type != OpType::invoke) continue;
    const history::Op* done = completion[i] < 0 ? nullptr : &history[static_cast<std::size_t>(completion[i])];
    if (done && done->type == OpType::fail) continue;
    const std::string key = history[i].key ? history::format_value(*history[i].key) : "";
    const auto [found, inserted] = objects.try_emplace(key, search.models.size());
    if (inserted) search.models.push_back(factory());
    BruteOp op;
    op.object = found->second;
    op.invoke = static_cast<std::int64_t>(i);
    op.required = done && done->type == OpType::ok;
    if (op.required) op.returned = completion[i];
    const auto error = search.models[op.object]->compile(history[i], op.required ? done : nullptr, op.call);
    if (error) throw std::logic_error(*error);
    search.ops.push_back(op);
  }
  if (search.ops.size() >= 64) throw std::logic_error("too many ops for the brute-force check");
  std::vector<std::int64_t> states;
  for (const auto& model : search.models) states.push_back(model->initial_state());
  const std::uint64_t all = search.ops.size() == 0 ? 0 : (~std::uint64_t{0} >> (64 - search.ops.size()));
  return search.run(all, states);
}

}  // namespace simlab::linearizability::testing

#include "tests/txn/txn_history_support.h"

#include <algorithm>
#include <stdexcept>

namespace simlab::txn::testing {

Value append(std::int64_t key, std::int64_t value) {
  return Value::list({Value::string("append"), Value::integer(key), Value::integer(value)});
}

Value read_list(std::int64_t key, std::optional<std::vector<std::int64_t>> values) {
  Value result;
  if (values) {
    Value::List items;
    for (const auto v : *values) items.push_back(Value::integer(v));
    result = Value::list(std::move(items));
  }
  return Value::list({Value::string("r"), Value::integer(key), result});
}

Value write(std::int64_t key, std::int64_t value) {
  return Value::list({Value::string("w"), Value::integer(key), Value::integer(value)});
}

Value read_register(std::int64_t key, std::optional<std::int64_t> value) {
  return Value::list(
      {Value::string("r"), Value::integer(key), value ? Value::integer(*value) : Value()});
}

void HistoryWriter::add(std::int64_t process, history::OpType type, std::vector<Value> ops) {
  history::Op op;
  op.index = static_cast<std::int64_t>(history_.size());
  op.time = op.index;
  op.process = process;
  op.type = type;
  op.f = "txn";
  op.value = Value::list(std::move(ops));
  history_.push_back(std::move(op));
}

void HistoryWriter::invoke(std::int64_t p, std::vector<Value> ops) {
  add(p, history::OpType::invoke, std::move(ops));
}
void HistoryWriter::ok(std::int64_t p, std::vector<Value> ops) {
  add(p, history::OpType::ok, std::move(ops));
}
void HistoryWriter::fail(std::int64_t p, std::vector<Value> ops) {
  add(p, history::OpType::fail, std::move(ops));
}
void HistoryWriter::info(std::int64_t p, std::vector<Value> ops) {
  add(p, history::OpType::info, std::move(ops));
}

void HistoryWriter::txn(std::int64_t process, std::vector<Value> ops) {
  invoke(process, ops);
  ok(process, std::move(ops));
}

TxnHistory compile(const history::History& history, DataModel model) {
  auto parsed = compile_history(history, model);
  if (parsed.error) throw std::runtime_error(parsed.error->what);
  return std::move(parsed.history);
}

TxnCheckResult check(const history::History& history, DataModel model,
                     ConsistencyModel consistency) {
  TxnCheckOptions options;
  options.model = consistency;
  options.solver_budget_s = 20;
  return check_transactions(compile(history, model), options);
}

std::vector<std::string> anomaly_types(const TxnCheckResult& result) {
  std::vector<std::string> types;
  for (const auto& anomaly : result.anomalies) types.push_back(anomaly.type);
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  return types;
}

}  // namespace simlab::txn::testing

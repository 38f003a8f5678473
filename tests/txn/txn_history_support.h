// Builds transaction histories for tests: micro-op helpers and a writer that
// numbers ops the way the readers do.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "checkers/history/op.h"
#include "checkers/txn/explanation.h"
#include "checkers/txn/txn_checker.h"

namespace simlab::txn::testing {

using history::Value;

Value append(std::int64_t key, std::int64_t value);
Value read_list(std::int64_t key, std::optional<std::vector<std::int64_t>> values);
Value write(std::int64_t key, std::int64_t value);
Value read_register(std::int64_t key, std::optional<std::int64_t> value);

class HistoryWriter {
 public:
  // Continues `prefix`, numbering new ops after it.
  explicit HistoryWriter(history::History prefix = {}) : history_(std::move(prefix)) {}
  void invoke(std::int64_t process, std::vector<Value> ops);
  void ok(std::int64_t process, std::vector<Value> ops);
  void fail(std::int64_t process, std::vector<Value> ops);
  void info(std::int64_t process, std::vector<Value> ops);
  // invoke then ok, nothing in between.
  void txn(std::int64_t process, std::vector<Value> ops);

  const history::History& history() const { return history_; }

 private:
  void add(std::int64_t process, history::OpType type, std::vector<Value> ops);
  history::History history_;
};

TxnHistory compile(const history::History& history, DataModel model);
TxnCheckResult check(const history::History& history, DataModel model,
                     ConsistencyModel consistency = ConsistencyModel::strict_serializable);

// Anomaly types in the result, sorted and without repeats.
std::vector<std::string> anomaly_types(const TxnCheckResult& result);

}  // namespace simlab::txn::testing

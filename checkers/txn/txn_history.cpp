#include "checkers/txn/txn_history.h"

#include <fmt/format.h>

#include <string_view>
#include <unordered_map>

namespace simlab::txn {
namespace {

using history::Op;
using history::OpType;
using history::Value;

// Keeps key ids dense and stable in order of first appearance.
class KeyTable {
 public:
  explicit KeyTable(std::vector<std::string>& names) : names_(names) {}

  std::optional<std::uint32_t> intern(const Value& key) {
    if (key.is_integer()) {
      auto [it, fresh] = integers_.try_emplace(key.as_integer(), next_id());
      if (fresh) names_.push_back(std::to_string(key.as_integer()));
      return it->second;
    }
    if (key.is_string()) {
      auto [it, fresh] = strings_.try_emplace(key.as_string(), next_id());
      if (fresh) names_.push_back(fmt::format("\"{}\"", key.as_string()));
      return it->second;
    }
    return std::nullopt;
  }

 private:
  std::uint32_t next_id() const { return static_cast<std::uint32_t>(names_.size()); }
  std::vector<std::string>& names_;
  std::unordered_map<std::int64_t, std::uint32_t> integers_;
  std::unordered_map<std::string, std::uint32_t> strings_;
};

std::string_view function_name(const Value& value) {
  if (!value.is_string()) return {};
  std::string_view name = value.as_string();
  if (!name.empty() && name.front() == ':') name.remove_prefix(1);  // an EDN keyword
  return name;
}

bool is_txn(const Op& op) {
  return (op.f == "txn" || op.f == ":txn" || op.f.empty()) && op.value.is_list();
}

// Compiles one micro-op; returns what was expected when it does not parse.
std::optional<std::string> compile_micro_op(const Value& micro, DataModel model, bool known,
                                            KeyTable& keys, TxnHistory& out) {
  if (!micro.is_list() || micro.as_list().size() != 3) {
    return "expected a micro-op [f key value] of three elements";
  }
  const auto& parts = micro.as_list();
  const std::string_view f = function_name(parts[0]);
  const auto key = keys.intern(parts[1]);
  if (!key) return "expected an integer or string key in a micro-op";
  MicroOp op;
  op.key = *key;
  op.result_known = known;
  const Value& value = parts[2];
  const bool appends = model == DataModel::list_append;
  if (f == (appends ? "append" : "w")) {
    op.kind = appends ? MicroOpKind::append : MicroOpKind::write;
    if (!value.is_integer()) return fmt::format("expected an integer value to {}", f);
    op.value = value.as_integer();
  } else if (f == "r") {
    op.kind = MicroOpKind::read;
    if (appends && known) {
      if (!value.is_nil() && !value.is_list()) return "expected a list or nil as a read's result";
      op.list_begin = static_cast<std::uint32_t>(out.elements.size());
      if (value.is_list()) {
        for (const Value& element : value.as_list()) {
          if (!element.is_integer()) return "expected integers in a read's list";
          out.elements.push_back(element.as_integer());
        }
      }
      op.list_size = static_cast<std::uint32_t>(out.elements.size()) - op.list_begin;
    } else if (!appends && known) {
      if (!value.is_nil() && !value.is_integer()) return "expected an integer or nil read result";
      op.value = value.is_nil() ? kNilValue : value.as_integer();
    }
  } else {
    return appends ? "expected a micro-op named append or r" : "expected a micro-op named w or r";
  }
  out.ops.push_back(op);
  return std::nullopt;
}

struct Pairing {
  std::int64_t invoke_position = -1;  // -1: completion without invocation
  std::int64_t complete_position = -1;
};

// Pairs invocations and completions by process, in invocation order.
std::vector<Pairing> pair_ops(const history::History& history) {
  std::vector<Pairing> pairs;
  std::unordered_map<std::int64_t, std::size_t> open;  // process -> pairs index
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Op& op = history[i];
    if (!is_txn(op)) continue;
    const auto position = static_cast<std::int64_t>(i);
    if (op.type == OpType::invoke) {
      open[op.process] = pairs.size();
      pairs.push_back({position, -1});
      continue;
    }
    auto it = open.find(op.process);
    if (it == open.end()) {
      pairs.push_back({position, position});  // histories of completions only
    } else {
      pairs[it->second].complete_position = position;
      open.erase(it);
    }
  }
  return pairs;
}

TxnStatus status_of(const history::History& history, const Pairing& pair) {
  if (pair.complete_position < 0) return TxnStatus::unknown;
  switch (history[pair.complete_position].type) {
    case OpType::ok:
      return TxnStatus::committed;
    case OpType::fail:
      return TxnStatus::aborted;
    default:
      return TxnStatus::unknown;
  }
}

}  // namespace

TxnParseResult compile_history(const history::History& history, DataModel model) {
  TxnParseResult result;
  TxnHistory& out = result.history;
  out.model = model;
  KeyTable keys(out.key_names);
  for (const Pairing& pair : pair_ops(history)) {
    Txn txn;
    const Op& invoke = history[pair.invoke_position];
    txn.status = status_of(history, pair);
    txn.process = invoke.process;
    txn.invoke_index = invoke.index;
    txn.invoke_position = pair.invoke_position;
    txn.complete_index = pair.complete_position < 0 ? -1 : history[pair.complete_position].index;
    txn.complete_position = pair.complete_position < 0 ? kNoPosition : pair.complete_position;
    // Only an :ok completion carries what the reads returned.
    const bool known = txn.status == TxnStatus::committed;
    const Op& source = known ? history[pair.complete_position] : invoke;
    txn.op_begin = static_cast<std::uint32_t>(out.ops.size());
    for (const Value& micro : source.value.as_list()) {
      if (auto what = compile_micro_op(micro, model, known, keys, out)) {
        result.error = TxnInputError{source.index, *what};
        return result;
      }
    }
    txn.op_count = static_cast<std::uint32_t>(out.ops.size()) - txn.op_begin;
    out.txns.push_back(txn);
  }
  return result;
}

std::string value_text(std::int64_t value) {
  return value == kNilValue ? std::string("nil") : std::to_string(value);
}

}  // namespace simlab::txn

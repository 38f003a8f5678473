#include "checkers/txn/synthetic_history.h"

#include <algorithm>
#include <cassert>
#include <random>

namespace simlab::txn {
namespace {

struct KeySlot {
  std::uint32_t key = 0;
  std::uint32_t appends = 0;
  std::vector<std::int64_t> list;  // registers: the last element is the value
};

struct Pending {
  bool busy = false;
  bool applied = false;  // its effects are in the history already
  std::uint32_t txn = 0;
  std::vector<std::pair<bool, std::uint32_t>> plan;  // (is read, key slot)
};

class Generator {
 public:
  Generator(const SyntheticOptions& options, DataModel model)
      : options_(options),
        random_(options.seed),
        slots_(options.active_keys),
        processes_(options.process_count) {
    out_.model = model;
    for (auto& slot : slots_) slot.key = new_key();
    out_.txns.reserve(options.txn_count);
    out_.ops.reserve(std::size_t{options.txn_count} * options.ops_per_txn);
  }

  TxnHistory run() {
    std::uint32_t busy = 0;
    while (out_.txns.size() < options_.txn_count || busy > 0) {
      const auto p = static_cast<std::uint32_t>(random_() % processes_.size());
      if (processes_[p].busy) {
        complete(p);
        --busy;
      } else if (out_.txns.size() < options_.txn_count) {
        invoke(p);
        ++busy;
      }
    }
    return std::move(out_);
  }

 private:
  std::uint32_t new_key() {
    out_.key_names.push_back(
        std::to_string(options_.first_key + static_cast<std::int64_t>(out_.key_names.size())));
    return static_cast<std::uint32_t>(out_.key_names.size() - 1);
  }

  void invoke(std::uint32_t p) {
    Pending& pending = processes_[p];
    pending.busy = true;
    pending.txn = static_cast<std::uint32_t>(out_.txns.size());
    pending.plan.clear();
    std::bernoulli_distribution reads(options_.read_fraction);
    for (std::uint32_t i = 0; i < options_.ops_per_txn; ++i) {
      pending.plan.push_back(
          {reads(random_), static_cast<std::uint32_t>(random_() % slots_.size())});
    }
    Txn txn;
    txn.process = p;
    txn.status = TxnStatus::unknown;
    txn.invoke_index = txn.invoke_position = position_++;
    txn.complete_index = -1;
    txn.complete_position = kNoPosition;
    out_.txns.push_back(txn);
    pending.applied = false;
    if (std::bernoulli_distribution(options_.effect_at_invoke_fraction)(random_)) apply(pending);
  }

  void complete(std::uint32_t p) {
    Pending& pending = processes_[p];
    Txn& txn = out_.txns[pending.txn];
    txn.status = TxnStatus::committed;
    txn.complete_index = txn.complete_position = position_++;
    if (!pending.applied) apply(pending);
    pending.busy = false;
  }

  // Runs the whole transaction atomically, now.
  void apply(Pending& pending) {
    Txn& txn = out_.txns[pending.txn];
    txn.op_begin = static_cast<std::uint32_t>(out_.ops.size());
    for (const auto& [is_read, slot_index] : pending.plan) {
      KeySlot& slot = slots_[slot_index];
      MicroOp op;
      op.key = slot.key;
      if (is_read) {
        read(slot, op);
      } else {
        op.kind = out_.model == DataModel::list_append ? MicroOpKind::append : MicroOpKind::write;
        op.value = static_cast<std::int64_t>(slot.list.size()) + 1;
        slot.list.push_back(op.value);
        ++slot.appends;
      }
      out_.ops.push_back(op);
    }
    txn.op_count = static_cast<std::uint32_t>(out_.ops.size()) - txn.op_begin;
    for (const auto& [is_read, slot_index] : pending.plan) {
      KeySlot& slot = slots_[slot_index];
      if (slot.appends >= options_.max_appends_per_key) slot = KeySlot{new_key(), 0, {}};
    }
    pending.applied = true;
  }

  void read(const KeySlot& slot, MicroOp& op) {
    op.kind = MicroOpKind::read;
    op.result_known = true;
    if (out_.model == DataModel::rw_register) {
      op.value = slot.list.empty() ? kNilValue : slot.list.back();
      return;
    }
    op.list_begin = static_cast<std::uint32_t>(out_.elements.size());
    op.list_size = static_cast<std::uint32_t>(slot.list.size());
    out_.elements.insert(out_.elements.end(), slot.list.begin(), slot.list.end());
  }

  const SyntheticOptions& options_;
  std::mt19937_64 random_;
  std::vector<KeySlot> slots_;
  std::vector<Pending> processes_;
  std::int64_t position_ = 0;
  TxnHistory out_;
};

history::Value micro_op_value(const TxnHistory& txns, const MicroOp& op, bool with_result) {
  using history::Value;
  const Value key = Value::integer(std::stoll(txns.key_names[op.key]));
  if (op.kind == MicroOpKind::append)
    return Value::list({Value::string("append"), key, Value::integer(op.value)});
  if (op.kind == MicroOpKind::write)
    return Value::list({Value::string("w"), key, Value::integer(op.value)});
  Value result;
  if (with_result && txns.model == DataModel::list_append) {
    Value::List items;
    for (const auto element : txns.elements_of(op)) items.push_back(Value::integer(element));
    result = Value::list(std::move(items));
  } else if (with_result && op.value != kNilValue) {
    result = Value::integer(op.value);
  }
  return Value::list({Value::string("r"), key, result});
}

history::Op make_op(const TxnHistory& txns, std::uint32_t id, history::OpType type) {
  history::Op op;
  op.process = txns.txns[id].process;
  op.type = type;
  op.f = "txn";
  history::Value::List micro;
  for (const MicroOp& m : txns.ops_of(id))
    micro.push_back(micro_op_value(txns, m, type == history::OpType::ok));
  op.value = history::Value::list(std::move(micro));
  return op;
}

}  // namespace

TxnHistory generate_list_append(const SyntheticOptions& options) {
  assert(options.process_count > 0 && options.active_keys > 0);
  return Generator(options, DataModel::list_append).run();
}

TxnHistory generate_rw_register(const SyntheticOptions& options) {
  assert(options.process_count > 0 && options.active_keys > 0);
  return Generator(options, DataModel::rw_register).run();
}

history::History to_history(const TxnHistory& txns, std::int64_t first_index) {
  std::vector<std::pair<std::int64_t, history::Op>> events;
  for (std::uint32_t id = 0; id < txns.txns.size(); ++id) {
    const Txn& txn = txns.txns[id];
    events.emplace_back(txn.invoke_position, make_op(txns, id, history::OpType::invoke));
    if (txn.complete_position == kNoPosition) continue;
    const auto type = txn.status == TxnStatus::committed ? history::OpType::ok
                      : txn.status == TxnStatus::aborted ? history::OpType::fail
                                                         : history::OpType::info;
    events.emplace_back(txn.complete_position, make_op(txns, id, type));
  }
  std::sort(events.begin(), events.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  history::History out;
  for (auto& [position, op] : events) {
    op.index = op.time = first_index + static_cast<std::int64_t>(out.size());
    out.push_back(std::move(op));
  }
  return out;
}

}  // namespace simlab::txn

#include "checkers/linearizability/synthetic_history.h"

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace simlab::linearizability {
namespace {

using history::Op;
using history::OpType;
using history::Value;

// One object's sequential state, with every value it has held (for stale reads).
struct ObjectState {
  Value value;  // register, kv string, counter, mutex (0/1)
  std::vector<Value> elements;  // set (sorted) or queue (head first)
  std::vector<Value> past;
};

class Generator {
 public:
  explicit Generator(const SyntheticOptions& options) : options_(options), random_(options.seed) {}

  history::History run();

 private:
  struct Process {
    std::int64_t id = 0;
    std::optional<std::size_t> pending;  // index of the invocation
    bool applied = false;
    Value output;
    bool holds_lock = false;
    std::optional<Value> lock_key;  // the key of the mutex it holds
  };

  bool chance(double probability) { return std::uniform_real_distribution<double>(0, 1)(random_) < probability; }
  int below(int bound) { return std::uniform_int_distribution<int>(0, bound - 1)(random_); }
  Value fresh_value() { return Value::integer(options_.unique_values ? next_value_++ : below(options_.value_range)); }

  Op invocation(Process& process);
  std::optional<Value> apply(const Op& invocation, Process& process);
  std::optional<Value> apply_register(const Op& invocation, ObjectState& object);
  std::optional<Value> apply_collection(const Op& invocation, ObjectState& object, Process& process);
  void step(Process& process);

  SyntheticOptions options_;
  std::mt19937_64 random_;
  std::int64_t next_value_ = 1;
  std::int64_t next_process_ = 0;
  history::History history_;
  std::map<std::int64_t, ObjectState> objects_;  // by key (0 when unkeyed)
  int invoked_ = 0;
};

Op Generator::invocation(Process& process) {
  Op op;
  op.process = process.id;
  op.type = OpType::invoke;
  const int key = options_.keys > 0 ? below(options_.keys) : 0;
  if (options_.keys > 0) op.key = Value::integer(key);
  const int pick = below(3);
  switch (options_.model) {
    case SyntheticModel::register_rw:
    case SyntheticModel::cas_register:
      if (pick == 0 || (pick == 2 && options_.model == SyntheticModel::register_rw)) {
        op.f = "read";
      } else if (pick == 1) {
        op.f = "write";
        op.value = fresh_value();
      } else {
        op.f = "cas";
        const ObjectState& object = objects_[key];
        // Mostly cas from the current value, so that many succeed.
        const Value from = chance(0.7) ? object.value : Value::integer(below(options_.value_range));
        op.value = Value::list({from, fresh_value()});
      }
      break;
    case SyntheticModel::kv_append:
      op.f = pick == 0 ? "get" : pick == 1 ? "append" : (chance(0.3) ? "put" : "append");
      if (op.f != "get") op.value = Value::string("x" + std::to_string(fresh_value().as_integer()) + "y");
      break;
    case SyntheticModel::set:
      op.f = pick == 0 ? "read" : "add";
      if (op.f == "add") op.value = fresh_value();
      break;
    case SyntheticModel::queue:
      // Balanced, so the queue stays short: each enqueue is seen soon.
      op.f = pick == 0 || (pick == 2 && chance(0.5)) ? "dequeue" : "enqueue";
      if (op.f == "enqueue") op.value = fresh_value();
      break;
    case SyntheticModel::counter:
      op.f = pick == 0 ? "read" : "add";
      if (op.f == "add") op.value = Value::integer(1 + below(3));
      break;
    case SyntheticModel::mutex:
      op.f = process.holds_lock ? "release" : "acquire";
      if (process.holds_lock) op.key = process.lock_key;  // release what it holds
      break;
  }
  return op;
}

std::optional<Value> Generator::apply_register(const Op& invocation, ObjectState& object) {
  const bool lost = chance(options_.lost_write_probability);
  if (invocation.f == "read" || invocation.f == "get") {
    if (!object.past.empty() && chance(options_.stale_read_probability)) {
      return object.past[static_cast<std::size_t>(below(static_cast<int>(object.past.size())))];
    }
    return invocation.f == "get" && object.value.is_nil() ? Value::string("") : object.value;
  }
  Value next = object.value;
  if (invocation.f == "write" || invocation.f == "put") {
    next = invocation.value;
  } else if (invocation.f == "cas") {
    if (object.value != invocation.value.as_list()[0]) return std::nullopt;  // reported as fail
    next = invocation.value.as_list()[1];
  } else {  // append
    const std::string base = object.value.is_string() ? object.value.as_string() : "";
    const std::string& suffix = invocation.value.as_string();
    next = Value::string(base + suffix + (chance(options_.duplicate_append_probability) ? suffix : ""));
  }
  if (!lost) {
    object.past.push_back(object.value);
    object.value = next;
  }
  return invocation.value;
}

std::optional<Value> Generator::apply_collection(const Op& invocation, ObjectState& object, Process& process) {
  std::vector<Value>& items = object.elements;
  const bool counter = options_.model == SyntheticModel::counter;
  const Value snapshot = counter ? (object.value.is_integer() ? object.value : Value::integer(0)) : Value::list(items);
  if (invocation.f == "read") {
    if (!object.past.empty() && chance(options_.stale_read_probability)) {
      return object.past[static_cast<std::size_t>(below(static_cast<int>(object.past.size())))];
    }
    return snapshot;
  }
  if (invocation.f == "dequeue") {
    if (items.empty()) return Value();
    Value head = items.front();
    if (!chance(options_.duplicate_append_probability)) items.erase(items.begin());  // delivered twice
    return head;
  }
  if (invocation.f == "acquire") {
    // A lost write here is a lock granted while held.
    if (object.value == Value::integer(1) && !chance(options_.lost_write_probability)) return std::nullopt;  // waits
    object.value = Value::integer(1);
    process.holds_lock = true;
    process.lock_key = invocation.key;
    return invocation.value;
  }
  if (invocation.f == "release") {
    object.value = Value::integer(0);
    process.holds_lock = false;
    return invocation.value;
  }
  if (chance(options_.lost_write_probability)) return invocation.value;  // acknowledged, not applied
  object.past.push_back(snapshot);
  if (counter) {
    object.value = Value::integer(snapshot.as_integer() + invocation.value.as_integer());
  } else if (invocation.f == "enqueue") {
    items.push_back(invocation.value);
  } else if (!std::count(items.begin(), items.end(), invocation.value)) {  // add to the set
    items.push_back(invocation.value);
    std::sort(items.begin(), items.end(), [](const Value& x, const Value& y) { return x.as_integer() < y.as_integer(); });
  }
  return invocation.value;
}

std::optional<Value> Generator::apply(const Op& invocation, Process& process) {
  ObjectState& object = objects_[invocation.key ? invocation.key->as_integer() : 0];
  switch (options_.model) {
    case SyntheticModel::register_rw:
    case SyntheticModel::cas_register:
    case SyntheticModel::kv_append:
      return apply_register(invocation, object);
    default:
      return apply_collection(invocation, object, process);
  }
}

void Generator::step(Process& process) {
  if (!process.pending) {
    // A mutex holder always gets to release, or waiting acquires never end.
    if (invoked_ >= options_.ops && !process.holds_lock) return;
    ++invoked_;
    process.pending = history_.size();
    process.applied = false;
    history_.push_back(invocation(process));
    return;
  }
  const Op invoked = history_[*process.pending];
  Op completion = invoked;
  completion.value = invoked.value;
  if (!process.applied) {
    if (chance(options_.fail_probability) && options_.model != SyntheticModel::mutex) {
      completion.type = OpType::fail;
    } else if (chance(0.5)) {
      const auto output = apply(invoked, process);  // the linearization point
      if (!output && options_.model == SyntheticModel::mutex) return;  // the lock is held: wait
      process.applied = true;
      if (!output) {
        completion.type = OpType::fail;  // a cas whose expected value was not there
      } else {
        process.output = *output;
      }
      if (completion.type != OpType::fail) return;
    } else if (chance(options_.info_probability) && options_.model != SyntheticModel::mutex) {
      completion.type = OpType::info;  // never took effect, but nobody knows
    } else {
      return;
    }
  } else {
    completion.type = chance(options_.info_probability) && options_.model != SyntheticModel::mutex ? OpType::info
                                                                                                    : OpType::ok;
    if (completion.type == OpType::ok) completion.value = process.output;
  }
  history_.push_back(completion);
  process.pending.reset();
  if (completion.type == OpType::info) process.id = next_process_++;  // it never invokes again
}

history::History Generator::run() {
  std::vector<Process> processes(static_cast<std::size_t>(options_.processes));
  for (Process& process : processes) process.id = next_process_++;
  while (true) {
    const bool busy = std::any_of(processes.begin(), processes.end(), [](const Process& p) { return p.pending.has_value(); });
    if (!busy && invoked_ >= options_.ops) break;
    step(processes[static_cast<std::size_t>(below(options_.processes))]);
  }
  for (std::size_t i = 0; i < history_.size(); ++i) {
    history_[i].index = static_cast<std::int64_t>(i);
    history_[i].time = static_cast<std::int64_t>(i) * 1000;
  }
  return std::move(history_);
}

}  // namespace

history::History make_synthetic_history(const SyntheticOptions& options) { return Generator(options).run(); }

}  // namespace simlab::linearizability

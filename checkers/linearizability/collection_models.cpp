#include "checkers/linearizability/collection_models.h"

#include <algorithm>

#include "checkers/history/value_format.h"
#include "checkers/linearizability/value_table.h"

namespace simlab::linearizability {
namespace {

using history::Op;
using history::Value;

// Set and queue states are sequences of value ids interned in a SequenceTable
// (sorted for a set, head first for a queue).
class SequenceModel : public Model {
 protected:
  std::vector<std::int64_t> elements(const Value& list) {
    std::vector<std::int64_t> ids;
    if (list.is_list()) {
      for (const Value& item : list.as_list()) ids.push_back(values_.intern(item));
    }
    return ids;
  }
  std::string describe_sequence(std::int64_t state) const {
    Value::List items;
    for (const std::int64_t id : sequences_.sequence(state)) items.push_back(values_.value(id));
    return history::format_value(Value::list(std::move(items)));
  }
  ValueTable values_;
  SequenceTable sequences_;
};

enum SetF : std::int32_t { kAdd, kSetRead };

class SetModel final : public SequenceModel {
 public:
  explicit SetModel(const Value& init) { init_ = canonical(elements(init)); }

  std::optional<std::string> compile(const Op& invocation, const Op* completion, Call& call) override {
    call.output_known = completion != nullptr;
    if (invocation.f == "add") {
      call.f = kAdd;
      call.input = values_.intern(invocation.value);
    } else if (invocation.f == "read") {
      call.f = kSetRead;
      if (completion) {
        if (!completion->value.is_list() && !completion->value.is_nil()) {
          return "expected a set read to return a list, found " +
                 history::format_value(completion->value);
        }
        call.output = canonical(elements(completion->value));
      }
    } else {
      return expected_functions("add or read", "set", invocation);
    }
    return std::nullopt;
  }
  std::int64_t initial_state() override { return init_; }
  bool step(std::int64_t state, const Call& call, std::int64_t& next) override {
    next = state;
    if (call.f == kSetRead) return !call.output_known || call.output == state;
    std::vector<std::int64_t> members = sequences_.sequence(state);
    const auto at = std::lower_bound(members.begin(), members.end(), call.input);
    if (at == members.end() || *at != call.input) {
      members.insert(at, call.input);
      next = sequences_.intern(members);
    }
    return true;
  }
  bool read_only(const Call& call) const override { return call.f == kSetRead; }
  std::string describe_state(std::int64_t state) const override { return describe_sequence(state); }

 private:
  std::int64_t canonical(std::vector<std::int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return sequences_.intern(ids);
  }
  std::int64_t init_ = 0;
};

enum QueueF : std::int32_t { kEnqueue, kDequeue };

class QueueModel final : public SequenceModel {
 public:
  explicit QueueModel(const Value& init) { init_ = sequences_.intern(elements(init)); }

  std::optional<std::string> compile(const Op& invocation, const Op* completion, Call& call) override {
    call.output_known = completion != nullptr;
    if (invocation.f == "enqueue") {
      call.f = kEnqueue;
      call.input = values_.intern(invocation.value);
    } else if (invocation.f == "dequeue") {
      call.f = kDequeue;
      if (completion) call.output = values_.intern(completion->value);
    } else {
      return expected_functions("enqueue or dequeue", "fifo-queue", invocation);
    }
    return std::nullopt;
  }
  std::int64_t initial_state() override { return init_; }
  bool step(std::int64_t state, const Call& call, std::int64_t& next) override {
    std::vector<std::int64_t> items = sequences_.sequence(state);
    next = state;
    if (call.f == kEnqueue) {
      items.push_back(call.input);
      next = sequences_.intern(items);
      return true;
    }
    if (items.empty()) return !call.output_known || call.output == 0;  // nil: found it empty
    if (call.output_known && call.output != items.front()) return false;
    items.erase(items.begin());
    next = sequences_.intern(items);
    return true;
  }
  bool read_only(const Call&) const override { return false; }
  std::string describe_state(std::int64_t state) const override { return describe_sequence(state); }

 private:
  std::int64_t init_ = 0;
};

enum CounterF : std::int32_t { kIncrement, kCounterRead };

class CounterModel final : public Model {
 public:
  explicit CounterModel(const Value& init) : init_(init.is_integer() ? init.as_integer() : 0) {}

  std::optional<std::string> compile(const Op& invocation, const Op* completion, Call& call) override {
    call.output_known = completion != nullptr;
    if (invocation.f == "add" || invocation.f == "increment") {
      call.f = kIncrement;
      if (invocation.value.is_integer()) {
        call.input = invocation.value.as_integer();
      } else if (invocation.value.is_nil() && invocation.f == "increment") {
        call.input = 1;
      } else {
        return "expected an integer amount to add for the counter model, found " +
               history::format_value(invocation.value);
      }
    } else if (invocation.f == "read") {
      call.f = kCounterRead;
      if (completion) {
        if (!completion->value.is_integer()) {
          return "expected a counter read to return an integer, found " +
                 history::format_value(completion->value);
        }
        call.output = completion->value.as_integer();
      }
    } else {
      return expected_functions("add, increment or read", "counter", invocation);
    }
    return std::nullopt;
  }
  std::int64_t initial_state() override { return init_; }
  bool step(std::int64_t state, const Call& call, std::int64_t& next) override {
    if (call.f == kCounterRead) {
      next = state;
      return !call.output_known || call.output == state;
    }
    next = static_cast<std::int64_t>(static_cast<std::uint64_t>(state) + static_cast<std::uint64_t>(call.input));
    return true;
  }
  bool read_only(const Call& call) const override { return call.f == kCounterRead; }
  std::string describe_state(std::int64_t state) const override { return std::to_string(state); }

 private:
  std::int64_t init_;
};

enum MutexF : std::int32_t { kAcquire, kRelease };

class MutexModel final : public Model {
 public:
  std::optional<std::string> compile(const Op& invocation, const Op* completion, Call& call) override {
    call.output_known = completion != nullptr;
    if (invocation.f == "acquire") {
      call.f = kAcquire;
    } else if (invocation.f == "release") {
      call.f = kRelease;
    } else {
      return expected_functions("acquire or release", "mutex", invocation);
    }
    return std::nullopt;
  }
  std::int64_t initial_state() override { return 0; }
  bool step(std::int64_t state, const Call& call, std::int64_t& next) override {
    const std::int64_t wanted = call.f == kAcquire ? 0 : 1;
    if (state == wanted) {
      next = 1 - state;
      return true;
    }
    next = state;
    return !call.output_known;
  }
  bool read_only(const Call&) const override { return false; }
  std::string describe_state(std::int64_t state) const override { return state ? "held" : "free"; }
};

}  // namespace

std::unique_ptr<Model> make_set_model(const Value& init) { return std::make_unique<SetModel>(init); }
std::unique_ptr<Model> make_queue_model(const Value& init) { return std::make_unique<QueueModel>(init); }
std::unique_ptr<Model> make_counter_model(const Value& init) { return std::make_unique<CounterModel>(init); }
std::unique_ptr<Model> make_mutex_model() { return std::make_unique<MutexModel>(); }

}  // namespace simlab::linearizability

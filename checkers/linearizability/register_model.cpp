#include "checkers/linearizability/register_model.h"

#include <algorithm>

#include "checkers/history/value_format.h"
#include "checkers/linearizability/value_table.h"

namespace simlab::linearizability {
namespace {

using history::Op;
using history::Value;

enum RegisterF : std::int32_t { kRead, kWrite, kCas, kAppend, kAppendUnseen };

// The state after an append whose text no read or cas ever saw: until a write
// replaces it, no read or cas can succeed, since any string holding that
// text was never observed. One state for all such strings merges the many
// orders of unseen appends the search would otherwise tell apart.
constexpr std::int64_t kUnseen = -2;

class RegisterModel final : public Model {
 public:
  RegisterModel(RegisterFlavor flavor, const Value& init, NilRead nil_read)
      : flavor_(flavor), nil_read_(nil_read) {
    init_ = intern(init);
  }

  std::optional<std::string> compile(const Op& invocation, const Op* completion, Call& call) override {
    const std::string& f = invocation.f;
    const bool kv = flavor_ == RegisterFlavor::kv;
    call.output_known = completion != nullptr;
    if (f == "read" || (kv && f == "get")) {
      call.f = kRead;
      if (completion) call.output = intern(completion->value);
      // The raw value, before kv's "" -> nil: a Porcupine get of "" is a real read.
      const bool nil_unknown =
          nil_read_ == NilRead::any && completion && completion->value.is_nil();
      if (nil_unknown) call.output_known = false;
    } else if (f == "write" || (kv && f == "put")) {
      call.f = kWrite;
      call.input = intern(invocation.value);
    } else if (f == "cas" && flavor_ != RegisterFlavor::plain) {
      const Value& pair = invocation.value;
      if (!pair.is_list() || pair.as_list().size() != 2) {
        return "expected a cas value [from to] for the " + std::string(names().model) +
               " model, found " + history::format_value(pair);
      }
      call.f = kCas;
      call.input = intern(pair.as_list()[0]);
      call.input2 = intern(pair.as_list()[1]);
    } else if (kv && f == "append") {
      if (!invocation.value.is_string()) {
        return "expected an append value that is a string for the kv model, found " +
               history::format_value(invocation.value);
      }
      call.f = kAppend;
      call.input = intern(invocation.value);
    } else {
      return expected_functions(names().functions, names().model, invocation);
    }
    return std::nullopt;
  }

  std::int64_t initial_state() override { return init_; }

  void finish_compile(std::span<Call> calls) override {
    if (flavor_ != RegisterFlavor::kv) return;
    std::vector<const std::string*> seen;  // every string a read returned or a cas expected
    for (const Call& call : calls) {
      const bool observes = (call.f == kRead && call.output_known) || call.f == kCas;
      const Value& value = table_.value(call.f == kRead ? call.output : call.input);
      if (observes && value.is_string()) seen.push_back(&value.as_string());
    }
    for (Call& call : calls) {
      if (call.f != kAppend || call.input == 0) continue;
      const std::string& text = table_.value(call.input).as_string();
      const bool observed = std::any_of(seen.begin(), seen.end(), [&](const std::string* s) {
        return s->find(text) != std::string::npos;
      });
      if (!observed) call.f = kAppendUnseen;
    }
  }

  bool step(std::int64_t state, const Call& call, std::int64_t& next) override {
    switch (call.f) {
      case kRead:
        next = state;
        return !call.output_known || call.output == state;
      case kWrite:
        next = call.input;
        return true;
      case kCas:
        if (state == call.input) {
          next = call.input2;
          return true;
        }
        next = state;
        return !call.output_known;
      case kAppendUnseen:
        next = kUnseen;
        return true;
      default:
        return append(state, call, next);
    }
  }

  bool read_only(const Call& call) const override { return call.f == kRead; }

  std::string describe_state(std::int64_t state) const override {
    if (state == kUnseen) return "(a string holding an append no read or cas saw)";
    return history::format_value(table_.value(state));
  }

  bool prunes() const override { return flavor_ == RegisterFlavor::kv; }

  bool resets(const Call& call) const override { return call.f == kWrite || call.f == kCas; }

  // Without writes left, a kv value only grows by appends, so a read that is
  // still to come must see a string the current one is a prefix of.
  bool may_reach(std::int64_t state, const Call& read) const override {
    if (flavor_ != RegisterFlavor::kv || read.f != kRead) return true;
    if (state == kUnseen) return false;
    const Value& now = table_.value(state);
    const Value& seen = table_.value(read.output);
    if (now.is_nil()) return seen.is_nil() || seen.is_string();
    if (!now.is_string()) return now == seen;
    return seen.is_string() && seen.as_string().starts_with(now.as_string());
  }

  bool may_follow(const Call& reset, const Call& read) const override {
    if (flavor_ != RegisterFlavor::kv || reset.f != kWrite || read.f != kRead) return true;
    return may_reach(reset.input, read);
  }

  std::optional<RegisterAccess> register_access(const Call& call) const override {
    switch (call.f) {
      case kRead: return RegisterAccess{RegisterAccess::Kind::read, call.output, 0};
      case kWrite: return RegisterAccess{RegisterAccess::Kind::write, 0, call.input};
      case kCas: return RegisterAccess{RegisterAccess::Kind::cas, call.input, call.input2};
      default: return std::nullopt;
    }
  }

 private:
  // In kv, nil and "" are one value (see the header).
  std::int64_t intern(const Value& value) {
    if (flavor_ == RegisterFlavor::kv && value.is_string() && value.as_string().empty()) return 0;
    return table_.intern(value);
  }

  bool append(std::int64_t state, const Call& call, std::int64_t& next) {
    if (state == kUnseen) return next = kUnseen, true;
    const Value& current = table_.value(state);
    if (!current.is_nil() && !current.is_string()) {
      next = state;
      return !call.output_known;  // appending to an integer cannot happen
    }
    std::string text = current.is_nil() ? std::string() : current.as_string();
    const Value& suffix = table_.value(call.input);  // "" is interned as nil
    if (suffix.is_string()) text += suffix.as_string();
    next = intern(Value::string(std::move(text)));
    return true;
  }

  // The flavor's name for --model and the functions it knows, for messages.
  struct Names {
    std::string_view model;
    std::string_view functions;
  };
  Names names() const {
    switch (flavor_) {
      case RegisterFlavor::plain:
        return {"register", "read or write"};
      case RegisterFlavor::cas:
        return {"cas-register", "read, write or cas"};
      case RegisterFlavor::kv:
        return {"kv", "get, put, append, read, write or cas"};
    }
    return {};
  }

  RegisterFlavor flavor_;
  NilRead nil_read_;
  ValueTable table_;
  std::int64_t init_ = 0;
};

}  // namespace

std::unique_ptr<Model> make_register_model(RegisterFlavor flavor, const Value& init,
                                           NilRead nil_read) {
  return std::make_unique<RegisterModel>(flavor, init, nil_read);
}

}  // namespace simlab::linearizability

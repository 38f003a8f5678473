#include "checkers/queue/queue_history.h"

#include <array>

#include "checkers/history/value_format.h"
#include "checkers/queue/queue_compiler.h"

namespace simlab::queue {
namespace {

using history::Value;

constexpr std::array<std::pair<std::string_view, QueueF>, 6> kFunctions{{
    {"send", QueueF::send},
    {"poll", QueueF::poll},
    {"final-poll", QueueF::final_poll},
    {"txn", QueueF::txn},
    {"assign", QueueF::assign},
    {"subscribe", QueueF::subscribe},
}};

// A history::Value as queue_compiler.h's Node.
class ValueNode {
 public:
  ValueNode() = default;
  explicit ValueNode(const Value& value) : value_(&value) {}

  bool is_nil() const { return value_->is_nil(); }
  bool is_integer() const { return value_->is_integer(); }
  bool is_string() const { return value_->is_string(); }
  bool is_list() const { return value_->is_list(); }
  std::int64_t as_integer() const { return value_->as_integer(); }
  std::string_view as_string() const { return value_->as_string(); }
  std::size_t size() const { return value_->as_list().size(); }
  template <typename Fn>
  void each(Fn&& fn) const {
    for (const Value& item : value_->as_list()) fn(ValueNode(item));
  }
  Atom atom(AtomTable& atoms) const { return atoms.of(*value_); }
  std::string format() const { return history::format_value(*value_); }

 private:
  const Value* value_ = nullptr;
};

}  // namespace

std::optional<QueueF> parse_queue_f(std::string_view f) {
  for (const auto& [name, function] : kFunctions) {
    if (name == f) return function;
  }
  return std::nullopt;
}

const char* queue_f_name(QueueF f) {
  for (const auto& [name, function] : kFunctions) {
    if (function == f) return name.data();
  }
  return "?";
}

bool looks_like_queue_history(const history::History& ops) {
  for (const history::Op& op : ops) {
    if (parse_queue_f(op.f)) return true;
  }
  return false;
}

CompiledQueue compile_queue_history(const history::History& ops) {
  CompiledQueue compiled;
  QueueCompiler compiler;
  for (const history::Op& op : ops) {
    try {
      compiler.add(OpHead{op.index, op.process, op.type, op.f, op.line}, ValueNode(op.value));
    } catch (const BadQueueOp& error) {
      compiled.error = CompileError{op.line, error.what()};
      return compiled;
    }
  }
  compiled.history = compiler.finish();
  return compiled;
}

}  // namespace simlab::queue

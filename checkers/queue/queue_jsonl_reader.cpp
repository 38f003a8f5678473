#include "checkers/queue/queue_jsonl_reader.h"

#include <simdjson.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "checkers/history/line_splitter.h"
#include "checkers/history/op_type.h"
#include "checkers/history/value_format.h"
#include "checkers/queue/queue_compiler.h"

namespace simlab::queue {
namespace {

namespace dom = simdjson::dom;
using Type = dom::element_type;

// Thrown when the line is not one read_jsonl would read the same way.
struct GiveUp {};

// What read_jsonl makes of a JSON value: null, an integer (a boolean is 0 or
// 1), a string or an array of those; anything else (a float, an object, an
// integer past int64) fails the whole line.
bool plain(dom::element element) {
  switch (element.type()) {
    case Type::NULL_VALUE:
    case Type::INT64:
    case Type::BOOL:
    case Type::STRING:
      return true;
    case Type::ARRAY:
      for (dom::element item : dom::array(element)) {
        if (!plain(item)) return false;
      }
      return true;
    default:
      return false;
  }
}

history::Value to_value(dom::element element) {
  switch (element.type()) {
    case Type::INT64:
      return history::Value::integer(int64_t(element));
    case Type::BOOL:
      return history::Value::integer(bool(element) ? 1 : 0);
    case Type::STRING:
      return history::Value::string(std::string(std::string_view(element)));
    case Type::ARRAY: {
      history::Value::List items;
      for (dom::element item : dom::array(element)) items.push_back(to_value(item));
      return history::Value::list(std::move(items));
    }
    default:
      return history::Value();
  }
}

// A simdjson element, already known plain(), as queue_compiler.h's Node.
class JsonNode {
 public:
  JsonNode() = default;
  explicit JsonNode(dom::element element) : element_(element) {}

  bool is_nil() const { return element_.type() == Type::NULL_VALUE; }
  bool is_integer() const {
    return element_.type() == Type::INT64 || element_.type() == Type::BOOL;
  }
  bool is_string() const { return element_.type() == Type::STRING; }
  bool is_list() const { return element_.type() == Type::ARRAY; }
  std::int64_t as_integer() const {
    if (element_.type() == Type::BOOL) return bool(element_) ? 1 : 0;
    return int64_t(element_);
  }
  std::string_view as_string() const { return std::string_view(element_); }
  std::size_t size() const { return dom::array(element_).size(); }
  template <typename Fn>
  void each(Fn&& fn) const {
    for (dom::element item : dom::array(element_)) fn(JsonNode(item));
  }
  Atom atom(AtomTable& atoms) const {
    if (is_integer()) return atoms.integer(as_integer());
    if (is_nil()) return atoms.text("nil");
    if (is_string()) return atoms.text(history::dump_json(std::string(as_string())));
    return atoms.of(to_value(element_));
  }
  std::string format() const { return history::format_value(to_value(element_)); }

 private:
  dom::element element_;
};

// The fields of one op line, as read_jsonl's OpSax reads them (the last of
// a repeated field wins; "index" and unknown fields are ignored).
struct OpLine {
  std::optional<std::int64_t> process;
  std::optional<history::OpType> type;
  std::optional<std::string_view> f;
  dom::element value;
  bool has_value = false;
};

std::int64_t integer_of(dom::element element) {
  if (element.type() == Type::INT64) return int64_t(element);
  if (element.type() == Type::BOOL) return bool(element) ? 1 : 0;
  throw GiveUp{};
}

std::string_view string_of(dom::element element) {
  if (element.type() != Type::STRING) throw GiveUp{};
  return std::string_view(element);
}

OpLine read_fields(dom::element line) {
  if (line.type() != Type::OBJECT) throw GiveUp{};
  OpLine op;
  for (const dom::key_value_pair field : dom::object(line)) {
    if (!plain(field.value)) throw GiveUp{};
    if (field.key == "process") {
      op.process = integer_of(field.value);
    } else if (field.key == "type") {
      op.type = history::parse_op_type(string_of(field.value));
      if (!op.type) throw GiveUp{};
    } else if (field.key == "f") {
      op.f = string_of(field.value);
    } else if (field.key == "time") {
      integer_of(field.value);  // only order matters; the position stands for it
    } else if (field.key == "value") {
      op.value = field.value;
      op.has_value = true;
    }
  }
  if (!op.process || !op.type || !op.f) throw GiveUp{};
  return op;
}

// A null value for ops whose line has no "value".
dom::element null_element(dom::parser& parser) {
  static constexpr std::string_view kNull = "null";
  simdjson::padded_string padded(kNull);
  return parser.parse(padded).value_unsafe();
}

}  // namespace

std::optional<QueueHistory> read_queue_jsonl(std::string& text) {
  const std::size_t size = text.size();
  text.append(simdjson::SIMDJSON_PADDING, '\0');  // initialized padding, then the old size back
  text.resize(size);
  dom::parser lines;
  dom::parser nulls;
  const JsonNode null_value(null_element(nulls));
  QueueCompiler compiler;
  std::int64_t index = 0;
  try {
    history::for_each_line(std::string_view(text), [&](std::string_view line, std::int64_t number) {
      if (history::blank_line(line)) return;
      dom::element element;
      if (lines.parse(line.data(), line.size(), false).get(element) != simdjson::SUCCESS)
        throw GiveUp{};
      const OpLine op = read_fields(element);
      compiler.add(OpHead{index++, *op.process, *op.type, *op.f, number},
                   op.has_value ? JsonNode(op.value) : null_value);
    });
  } catch (const GiveUp&) {
    return std::nullopt;
  } catch (const BadQueueOp&) {
    return std::nullopt;
  }
  return compiler.finish();
}

}  // namespace simlab::queue

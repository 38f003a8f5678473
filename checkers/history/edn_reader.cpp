#include "checkers/history/edn_reader.h"

#include "checkers/history/edn_parser.h"
#include "checkers/history/history_builder.h"
#include "checkers/history/op_type.h"

namespace simlab::history {
namespace {

struct OpFields {
  Op op;
  bool has_time = false;
  bool has_process = false;
  bool client = true;  // false for :nemesis and other non-integer processes
  bool has_type = false;
  bool has_f = false;
};

std::int64_t expect_integer(EdnParser& parser, std::string_view key) {
  const Value value = parser.parse_value();
  if (!value.is_integer()) parser.fail("expected an integer after :" + std::string(key));
  return value.as_integer();
}

std::string expect_name(EdnParser& parser, std::string_view key) {
  const Value value = parser.parse_value();
  if (!value.is_string()) parser.fail("expected a keyword or string after :" + std::string(key));
  return value.as_string();
}

void read_field(EdnParser& parser, const std::string& key, OpFields& fields) {
  if (key == "process") {
    const Value value = parser.parse_value();
    fields.has_process = true;
    if (value.is_integer()) {
      fields.op.process = value.as_integer();
    } else if (value.is_string()) {
      fields.client = false;
    } else {
      parser.fail("expected an integer or keyword after :process");
    }
  } else if (key == "type") {
    const std::string name = expect_name(parser, key);
    const auto type = parse_op_type(name);
    if (!type) parser.fail("expected :type to be :invoke, :ok, :fail or :info, found :" + name);
    fields.op.type = *type;
    fields.has_type = true;
  } else if (key == "f") {
    fields.op.f = expect_name(parser, key);
    fields.has_f = true;
  } else if (key == "time") {
    fields.op.time = expect_integer(parser, key);
    fields.has_time = true;
  } else if (key == "key") {
    fields.op.key = parser.parse_value();
  } else if (key == "value") {
    fields.op.value = parser.parse_value();
  } else {
    parser.parse_value();  // :index (we renumber densely), :error and the like
  }
}

bool looks_like_transaction(const Value& value) {
  if (!value.is_list() || value.as_list().empty()) return false;
  for (const Value& micro_op : value.as_list()) {
    if (!micro_op.is_list() || micro_op.as_list().empty() || !micro_op.as_list().front().is_string()) return false;
  }
  return true;
}

OpFields read_op_map(EdnParser& parser) {
  parser.expect('{', "'{' to start an op map");
  OpFields fields;
  while (parser.peek() != '}') {
    if (parser.peek() == '\0') parser.fail("expected '}' to close the op map");
    const std::string key = parser.parse_keyword();
    if (parser.peek() == '}' || parser.peek() == '\0') parser.fail("expected a value after :" + key);
    read_field(parser, key, fields);
  }
  parser.expect('}', "'}' to close the op map");
  if (!fields.has_type) parser.fail("expected a :type in the op map");
  // Elle's hand-written examples (testdata/elle/paper-example.edn) leave out
  // :process and :f: such a history is one sequential process, and a value
  // that is a vector of micro-op vectors is a transaction.
  const bool elle_example = !fields.has_f && !fields.has_process && looks_like_transaction(fields.op.value);
  if (elle_example) {
    fields.op.f = "txn";
    fields.has_f = true;
  }
  if (!fields.has_process && !elle_example) parser.fail("expected a :process in the op map");
  if (!fields.has_f && fields.client) parser.fail("expected an :f in the op map");
  return fields;
}

}  // namespace

History read_edn(std::string_view text, const std::string& file_name) {
  EdnParser parser(text, file_name);
  HistoryBuilder builder(file_name);
  const bool vector = parser.peek() == '[';
  if (vector) parser.expect('[', "'['");
  while (true) {
    const char next = parser.peek();
    if (vector && next == ']') {
      parser.expect(']', "']'");
      if (!parser.at_end()) parser.fail("expected the end of the input after the history vector");
      break;
    }
    if (next == '\0') {
      if (vector) parser.fail("expected ']' to close the history vector");
      break;
    }
    const std::int64_t line = parser.line();
    OpFields fields = read_op_map(parser);
    if (fields.client) builder.add(std::move(fields.op), line, fields.has_time);
  }
  return builder.finish();
}

}  // namespace simlab::history

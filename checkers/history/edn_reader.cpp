#include "checkers/history/edn_reader.h"

#include "checkers/history/edn_parser.h"
#include "checkers/history/history_builder.h"
#include "checkers/history/op_type.h"
#include "checkers/history/value_format.h"

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
  if (!value.is_integer()) {
    parser.fail("expected an integer after :" + std::string(key) + ", found " +
                describe_form(parser.last_kind(), value));
  }
  return value.as_integer();
}

std::string expect_name(EdnParser& parser, std::string_view key) {
  const Value value = parser.parse_value();
  if (!value.is_string()) parser.fail("expected a keyword or string after :" + std::string(key));
  return value.as_string();
}

// Jepsen's clients are integers and its nemeses keywords (:nemesis); a
// symbol or a string there is a typo (:process nemesis), not a process to
// skip quietly.
void read_process(EdnParser& parser, OpFields& fields) {
  const Value value = parser.parse_value();
  fields.has_process = true;
  if (parser.last_kind() == FormKind::integer) {
    fields.op.process = value.as_integer();
  } else if (parser.last_kind() == FormKind::keyword) {
    fields.client = false;
  } else {
    parser.fail("expected :process to be an integer or a keyword such as :nemesis, found " +
                describe_form(parser.last_kind(), value));
  }
}

void read_field(EdnParser& parser, const std::string& key, OpFields& fields) {
  if (key == "process") {
    read_process(parser, fields);
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
  } else if (key == "final?") {
    const Value flag = parser.parse_value();
    if (parser.last_kind() != FormKind::boolean)
      parser.fail("expected :final? to be true or false");
    fields.op.final_read = flag == Value::integer(1);
  } else if (key == "node") {
    const Value node = parser.parse_value();
    if (!node.is_string()) parser.fail("expected :node to be a string or a keyword");
    fields.op.node = node.as_string();
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

// Keys that are not keywords are no field we know: their values are skipped
// like :error's.
void read_entry(EdnParser& parser, OpFields& fields) {
  const Value key = parser.parse_value();
  const bool keyword = parser.last_kind() == FormKind::keyword;
  if (parser.peek() == '}' || parser.peek() == '\0') {
    parser.fail("expected a value after " + (keyword ? ":" + key.as_string() : format_value(key)));
  }
  if (keyword) {
    read_field(parser, key.as_string(), fields);
  } else {
    parser.parse_value();
  }
}

OpFields read_op_map(EdnParser& parser) {
  parser.skip_tag();  // #jepsen.history.Op{...}: a record reads as the map it wraps
  parser.expect('{', "'{' to start an op map");
  OpFields fields;
  while (parser.peek() != '}') {
    if (parser.peek() == '\0') parser.fail("expected '}' to close the op map");
    read_entry(parser, fields);
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
  // Jepsen writes a vector or one map per line; Knossos's test data also
  // has lists, ( ... ).
  const char open = parser.peek();
  const char close = open == '[' ? ']' : open == '(' ? ')' : '\0';
  const std::string collection = open == '[' ? "history vector" : "history list";
  if (close != '\0') parser.expect(open, std::string(1, open));
  while (true) {
    const char next = parser.peek();
    if (close != '\0' && next == close) {
      parser.expect(close, std::string(1, close));
      if (!parser.at_end()) parser.fail("expected the end of the input after the " + collection);
      break;
    }
    if (next == '\0') {
      if (close != '\0') {
        parser.fail(std::string("expected '") + close + "' to close the " + collection);
      }
      break;
    }
    const std::int64_t line = parser.line();
    OpFields fields = read_op_map(parser);
    if (fields.client) builder.add(std::move(fields.op), line, fields.has_time);
  }
  return builder.finish();
}

}  // namespace simlab::history

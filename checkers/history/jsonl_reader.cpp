#include "checkers/history/jsonl_reader.h"

#include <nlohmann/json.hpp>

#include "checkers/history/history_builder.h"
#include "checkers/history/line_splitter.h"
#include "checkers/history/op_type.h"
#include "checkers/history/parse_error.h"

namespace simlab::history {
namespace {

using Json = nlohmann::json;

// Fills one Op straight from nlohmann's SAX events: no JSON tree per line,
// which keeps a million-op file fast to read. Any callback returning false
// stops the parse with `expected_` saying why.
class OpSax final : public nlohmann::json_sax<Json> {
 public:
  Op op;
  bool has_time = false;
  std::string expected_;

  bool finish() {
    if (expected_.empty() && !has_process_) expected_ = "expected an integer \"process\"";
    if (expected_.empty() && !has_type_) expected_ = "expected a string \"type\"";
    if (expected_.empty() && !has_f_) expected_ = "expected a string \"f\"";
    return expected_.empty();
  }

  bool null() override { return scalar(Value()); }
  bool boolean(bool value) override { return scalar(Value::integer(value ? 1 : 0)); }
  bool number_integer(number_integer_t value) override { return scalar(Value::integer(value)); }
  bool number_unsigned(number_unsigned_t value) override {
    if (value > static_cast<number_unsigned_t>(INT64_MAX)) return fail("\"" + key_ + "\" to fit in 64 bits");
    return scalar(Value::integer(static_cast<std::int64_t>(value)));
  }
  bool number_float(number_float_t, const string_t&) override { return fail_value(); }
  bool string(string_t& value) override { return scalar(Value::string(std::move(value))); }
  bool binary(binary_t&) override { return fail_value(); }
  bool start_object(std::size_t) override {
    if (depth_++ == 0) return true;
    return fail_value();
  }
  bool key(string_t& key) override {
    key_ = std::move(key);
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) return fail("a JSON object");
    ++depth_;
    lists_.emplace_back();
    return true;
  }
  bool end_array() override {
    --depth_;
    Value list = Value::list(std::move(lists_.back()));
    lists_.pop_back();
    return scalar(std::move(list));
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    if (expected_.empty()) expected_ = "expected one complete JSON object on the line";
    return false;
  }

 private:
  bool fail(const std::string& what) {
    expected_ = "expected " + what;
    return false;
  }
  bool fail_value() { return fail("\"" + key_ + "\" to be null, an integer, a string or an array"); }

  // A complete value: an element of the array being built, or a field.
  bool scalar(Value value) {
    if (depth_ == 0) return fail("a JSON object");
    if (!lists_.empty()) {
      lists_.back().push_back(std::move(value));
      return true;
    }
    return field(std::move(value));
  }

  bool field(Value value) {
    if (key_ == "process") {
      if (!value.is_integer()) return fail("\"process\" to be an integer");
      op.process = value.as_integer();
      has_process_ = true;
    } else if (key_ == "type") {
      const auto type = value.is_string() ? parse_op_type(value.as_string()) : std::nullopt;
      if (!type) return fail("\"type\" to be invoke, ok, fail or info");
      op.type = *type;
      has_type_ = true;
    } else if (key_ == "f") {
      if (!value.is_string()) return fail("a string \"f\"");
      op.f = value.as_string();
      has_f_ = true;
    } else if (key_ == "time") {
      if (!value.is_integer()) return fail("\"time\" to be an integer");
      op.time = value.as_integer();
      has_time = true;
    } else if (key_ == "key") {
      op.key = std::move(value);
    } else if (key_ == "value") {
      op.value = std::move(value);
    } else if (key_ == "final") {
      if (!value.is_integer()) return fail("\"final\" to be true or false");
      op.final_read = value.as_integer() != 0;
    } else if (key_ == "node") {
      if (!value.is_string()) return fail("\"node\" to be a string");
      op.node = value.as_string();
    } else if (key_ == "error" && value.is_string()) {  // other shapes of error are ignored
      op.error = value.as_string();
    }  // "index" is renumbered densely; other fields are ignored
    return true;
  }

  int depth_ = 0;
  std::string key_;
  std::vector<Value::List> lists_;  // arrays being built, innermost last
  bool has_process_ = false;
  bool has_type_ = false;
  bool has_f_ = false;
};

}  // namespace

History read_jsonl(std::string_view text, const std::string& file_name) {
  HistoryBuilder builder(file_name);
  for_each_line(text, [&](std::string_view line, std::int64_t line_number) {
    if (blank_line(line)) return;
    OpSax sax;
    const bool parsed = Json::sax_parse(line, &sax, nlohmann::detail::input_format_t::json, /*strict=*/true);
    if (!parsed || !sax.finish()) throw ParseError(file_name, line_number, sax.expected_);
    builder.add(std::move(sax.op), line_number, sax.has_time);
  });
  return builder.finish();
}

}  // namespace simlab::history

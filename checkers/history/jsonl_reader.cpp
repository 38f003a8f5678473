#include "checkers/history/jsonl_reader.h"

#include <nlohmann/json.hpp>

#include "checkers/history/history_builder.h"
#include "checkers/history/line_splitter.h"
#include "checkers/history/op_type.h"
#include "checkers/history/parse_error.h"
#include "checkers/history/value_format.h"

namespace simlab::history {
namespace {

using Json = nlohmann::json;

class LineReader {
 public:
  LineReader(const std::string& file_name, std::int64_t line) : file_name_(file_name), line_(line) {}

  [[noreturn]] void fail(std::string expected) const { throw ParseError(file_name_, line_, std::move(expected)); }

  std::int64_t integer(const Json& object, const char* name) const {
    const auto found = object.find(name);
    if (found == object.end()) fail(std::string("expected an integer \"") + name + "\"");
    if (!found->is_number_integer()) fail(std::string("expected \"") + name + "\" to be an integer");
    if (found->is_number_unsigned() && found->get<std::uint64_t>() > INT64_MAX) {
      fail(std::string("expected \"") + name + "\" to fit in 64 bits");
    }
    return found->get<std::int64_t>();
  }

  const std::string& string(const Json& object, const char* name) const {
    const auto found = object.find(name);
    if (found == object.end() || !found->is_string()) {
      fail(std::string("expected a string \"") + name + "\"");
    }
    return found->get_ref<const std::string&>();
  }

  Value value(const Json& json, const char* name) const {
    Value out;
    if (!value_from_json(json, out)) {
      fail(std::string("expected \"") + name + "\" to be null, an integer, a string or an array");
    }
    return out;
  }

  Op op(const Json& object, bool& has_time) const {
    if (!object.is_object()) fail("expected a JSON object");
    Op op;
    op.process = integer(object, "process");
    const std::string& type_name = string(object, "type");
    const auto type = parse_op_type(type_name);
    if (!type) fail("expected \"type\" to be invoke, ok, fail or info, found \"" + type_name + "\"");
    op.type = *type;
    op.f = string(object, "f");
    has_time = object.contains("time");
    if (has_time) op.time = integer(object, "time");
    if (const auto key = object.find("key"); key != object.end()) op.key = value(*key, "key");
    if (const auto found = object.find("value"); found != object.end()) op.value = value(*found, "value");
    return op;
  }

 private:
  const std::string& file_name_;
  std::int64_t line_;
};

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

History read_jsonl(std::string_view text, const std::string& file_name) {
  HistoryBuilder builder(file_name);
  for_each_line(text, [&](std::string_view line, std::int64_t line_number) {
    if (blank(line)) return;
    const LineReader reader(file_name, line_number);
    Json object = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded()) reader.fail("expected one complete JSON object on the line");
    bool has_time = false;
    Op op = reader.op(object, has_time);
    builder.add(std::move(op), line_number, has_time);
  });
  return builder.finish();
}

}  // namespace simlab::history

#include "checkers/history/jepsen_log_reader.h"

#include <charconv>

#include "checkers/history/edn_parser.h"
#include "checkers/history/history_builder.h"
#include "checkers/history/line_splitter.h"
#include "checkers/history/op_type.h"

namespace simlab::history {
namespace {

constexpr std::string_view kMarker = "jepsen.util - ";

std::string_view next_field(std::string_view& rest) {
  const std::size_t start = rest.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  std::size_t end = rest.find_first_of(" \t");
  if (end == std::string_view::npos) end = rest.size();
  const std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end);
  return field;
}

// Returns false for lines that are not client op lines.
bool read_line(std::string_view line, std::int64_t line_number, const std::string& file_name,
               Op& op) {
  const std::size_t marker = line.find(kMarker);
  if (marker == std::string_view::npos) return false;
  std::string_view rest = line.substr(marker + kMarker.size());
  EdnParser parser(rest, file_name, line_number);
  const std::string_view process = next_field(rest);
  if (!process.empty() && process[0] == ':') return false;  // :nemesis
  const auto [end, error] = std::from_chars(process.data(), process.data() + process.size(), op.process);
  if (process.empty() || error != std::errc() || end != process.data() + process.size()) {
    parser.fail("expected a process number after \"jepsen.util - \"");
  }
  const std::string_view type = next_field(rest);
  const auto parsed = type.size() > 1 && type[0] == ':' ? parse_op_type(type.substr(1)) : std::nullopt;
  if (!parsed) parser.fail("expected :invoke, :ok, :fail or :info after the process, found '" + std::string(type) + "'");
  op.type = *parsed;
  const std::string_view f = next_field(rest);
  if (f.size() < 2 || f[0] != ':') parser.fail("expected a keyword such as :read after the type");
  op.f = std::string(f.substr(1));
  EdnParser value_parser(rest, file_name, line_number);
  op.value = value_parser.at_end() ? Value() : value_parser.parse_value();
  if (!value_parser.at_end()) value_parser.fail("expected the end of the line after the value");
  if (op.type == OpType::fail && op.f == "read" && op.value == Value::string("timed-out")) {
    op.type = OpType::info;
  }
  return true;
}

}  // namespace

History read_jepsen_log(std::string_view text, const std::string& file_name) {
  HistoryBuilder builder(file_name);
  for_each_line(text, [&](std::string_view line, std::int64_t line_number) {
    Op op;
    if (read_line(line, line_number, file_name, op)) builder.add(std::move(op), line_number, false);
  });
  return builder.finish();
}

}  // namespace simlab::history

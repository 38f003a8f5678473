#include "checkers/history/history_format.h"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

#include "checkers/history/edn_reader.h"
#include "checkers/history/jepsen_log_reader.h"
#include "checkers/history/jsonl_reader.h"

namespace simlab::history {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::optional<Format> format_from_content(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n,");
  if (first == std::string_view::npos) return std::nullopt;
  // Neither JSON nor a log line starts with these: a vector, a list, a
  // record literal or #_ discard, a ; comment.
  if (std::string_view("[(#;").find(text[first]) != std::string_view::npos) return Format::edn;
  if (text[first] == '{') {
    const std::size_t second = text.find_first_not_of(" \t\r\n,", first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    if (text[second] == '"' || text[second] == '}') return Format::jsonl;
    if (text[second] == ':') return Format::edn;
    return std::nullopt;
  }
  const std::size_t line_end = text.find('\n', first);
  if (text.substr(first, line_end - first).find("jepsen.util - ") != std::string_view::npos) {
    return Format::jepsen_log;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "jsonl") return Format::jsonl;
  if (name == "edn") return Format::edn;
  if (name == "jepsen-log") return Format::jepsen_log;
  return std::nullopt;
}

std::string_view format_name(Format format) {
  switch (format) {
    case Format::jsonl: return "jsonl";
    case Format::edn: return "edn";
    case Format::jepsen_log: return "jepsen-log";
  }
  return "jsonl";
}

Format detect_format(std::string_view text, std::string_view path) {
  if (const auto format = format_from_content(text)) return *format;
  if (ends_with(path, ".edn")) return Format::edn;
  if (ends_with(path, ".log")) return Format::jepsen_log;
  return Format::jsonl;
}

History read_history(std::string_view text, Format format, const std::string& file_name) {
  switch (format) {
    case Format::jsonl: return read_jsonl(text, file_name);
    case Format::edn: return read_edn(text, file_name);
    case Format::jepsen_log: return read_jepsen_log(text, file_name);
  }
  return {};
}

std::string read_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::system_error(errno, std::generic_category(), path);
  std::string text;
  char buffer[1 << 16];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, count);
  if (std::ferror(file.get())) throw std::system_error(EIO, std::generic_category(), path);
  return text;
}

}  // namespace simlab::history

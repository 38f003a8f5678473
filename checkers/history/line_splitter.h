// Calls fn(line, line_number) for each line of text ('\n'-separated, 1-based),
// without copying. The line-oriented readers share it.
#pragma once

#include <cstdint>
#include <string_view>

namespace simlab::history {

// A line of nothing but spaces, tabs and a '\r': the JSONL readers skip it.
inline bool blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::int64_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(start, end - start), ++line_number);
    start = end + 1;
  }
}

}  // namespace simlab::history

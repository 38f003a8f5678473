#include "reports/trace_excerpt.h"

#include <deque>

namespace simlab::reports {
namespace {

bool is_focus(const std::string& line, std::int64_t focus_ns) {
  if (focus_ns >= 0) return trace_line_time(line) >= focus_ns;
  return line.find("VIOLATION") != std::string::npos;
}

std::string clipped(std::string line) {
  if (line.size() > kTraceLineCharsMax) {
    line.resize(kTraceLineCharsMax);
    line += " [...]";
  }
  return line;
}

}  // namespace

std::int64_t trace_line_time(const std::string& line) {
  std::size_t i = line.find_first_not_of(' ');
  if (i == std::string::npos || line[i] < '0' || line[i] > '9') return -1;
  std::int64_t time = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
    if (time > (INT64_MAX - 9) / 10) return -1;
    time = time * 10 + (line[i] - '0');
  }
  return time;
}

TraceExcerpt excerpt_trace(std::istream& in, std::int64_t focus_ns) {
  TraceExcerpt excerpt;
  std::deque<std::string> window;  // before the focus: the last 2*context lines, for the tail case
  std::size_t after = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++excerpt.total_lines;
    if (excerpt.focus_line == 0 && is_focus(line, focus_ns)) {
      excerpt.focus_line = excerpt.total_lines;
      while (window.size() > kTraceContextLines) window.pop_front();
    }
    if (excerpt.focus_line != 0) {
      if (after++ <= kTraceContextLines) window.push_back(clipped(line));
      continue;  // counting the rest
    }
    window.push_back(clipped(line));
    if (window.size() > 2 * kTraceContextLines) window.pop_front();
  }
  const std::size_t last_kept =
      excerpt.focus_line != 0
          ? std::min(excerpt.total_lines, excerpt.focus_line + kTraceContextLines)
          : excerpt.total_lines;
  excerpt.first_line = last_kept + 1 - window.size();
  excerpt.lines.assign(window.begin(), window.end());
  return excerpt;
}

}  // namespace simlab::reports

// The part of a run's trace.log a person reads first: the lines around the
// failure. trace.log lines are "<time ns, right-aligned> n<id>: text" or
// "<time ns> NEMESIS|VIOLATION ...". A trace can run to millions of lines,
// so it is streamed and only the excerpt is kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace simlab::reports {

inline constexpr std::size_t kTraceContextLines = 40;  // on each side of the focus
inline constexpr std::size_t kTraceLineCharsMax = 400;

struct TraceExcerpt {
  std::vector<std::string> lines;
  std::size_t first_line = 1;  // 1-based number of lines.front() in the file
  std::size_t focus_line = 0;  // 1-based; 0 when no line matched and this is the tail
  std::size_t total_lines = 0;
};

// Centres on the first line at or after `focus_ns`; with focus_ns < 0, on the
// first VIOLATION line; with neither, keeps the log's last lines.
TraceExcerpt excerpt_trace(std::istream& in, std::int64_t focus_ns);

// The time a trace line starts with, or -1.
std::int64_t trace_line_time(const std::string& line);

}  // namespace simlab::reports

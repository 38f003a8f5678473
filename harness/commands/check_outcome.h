// What `simlab check` concludes about one file, ranked so the worst file of
// a run sets the exit code. Shared by the linearizability and the
// transactional checks.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "checkers/history/history_format.h"
#include "checkers/linearizability/verdict.h"
#include "harness/commands/command.h"

namespace simlab {

enum class FileOutcome { valid, unknown, invalid, bad_input, unreadable, report_unwritable };

inline int exit_code(FileOutcome worst) {
  switch (worst) {
    case FileOutcome::valid:
      return kExitValid;
    case FileOutcome::unknown:
      return kExitUnknown;
    case FileOutcome::invalid:
      return kExitSafetyViolation;
    case FileOutcome::bad_input:
      return kExitDataError;
    case FileOutcome::unreadable:
      return kExitNoInput;
    case FileOutcome::report_unwritable:
      return kExitCantCreate;
  }
  return kExitInternal;
}

inline FileOutcome file_outcome(linearizability::Verdict verdict) {
  switch (verdict) {
    case linearizability::Verdict::valid:
      return FileOutcome::valid;
    case linearizability::Verdict::invalid:
      return FileOutcome::invalid;
    case linearizability::Verdict::unknown:
      return FileOutcome::unknown;
  }
  return FileOutcome::unknown;
}

// A file `simlab check` could not judge: the message on stderr and, with
// --json, one line in the same shape for every model: {"file", "verdict":
// "bad-input", "error"}.
inline void report_bad_input(bool json, const std::string& file, const std::string& message) {
  if (json) {
    std::cout << nlohmann::json{{"file", file}, {"verdict", "bad-input"}, {"error", message}}.dump()
              << "\n";
  }
  std::fprintf(stderr, "%s\n", message.c_str());
}

// An op a checker could not judge, where it is: "FILE:LINE: EXPECTED", or
// "FILE: op N: EXPECTED" when the op came from no line.
inline std::string op_error_message(const std::string& file, std::int64_t line,
                                    std::int64_t position, const std::string& expected) {
  if (line > 0) return fmt::format("{}:{}: {}", file, line, expected);
  return fmt::format("{}: op {}: {}", file, position, expected);
}

// A history file's text, or nullopt after reporting it unreadable (the
// caller's outcome is then FileOutcome::unreadable).
inline std::optional<std::string> read_history_text(bool json, const std::string& file) {
  try {
    return history::read_file(file);
  } catch (const std::system_error& error) {
    report_bad_input(json, file, fmt::format("{}: cannot read: {}", file, error.code().message()));
    return std::nullopt;
  }
}

// Checks every file; the worst outcome sets the exit code.
template <class CheckOne>
int check_each_file(const std::vector<std::string>& files, CheckOne check_one) {
  FileOutcome worst = FileOutcome::valid;
  for (std::size_t i = 0; i < files.size(); ++i) worst = std::max(worst, check_one(i));
  return exit_code(worst);
}

}  // namespace simlab

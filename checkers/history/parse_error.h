// The one error a history reader throws: where the input stops making sense
// and what was expected there. cmd_check turns it into exit 65 (EX_DATAERR).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace simlab::history {

class ParseError : public std::runtime_error {
 public:
  // what() reads "FILE:LINE: EXPECTED", the form editors jump to.
  ParseError(std::string file, std::int64_t line, std::string expected)
      : std::runtime_error(file + ":" + std::to_string(line) + ": " + expected),
        file_(std::move(file)),
        line_(line),
        expected_(std::move(expected)) {}

  const std::string& file() const { return file_; }
  std::int64_t line() const { return line_; }  // 1-based
  const std::string& expected() const { return expected_; }

 private:
  std::string file_;
  std::int64_t line_;
  std::string expected_;
};

}  // namespace simlab::history

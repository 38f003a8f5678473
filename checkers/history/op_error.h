// An op a checker cannot judge (an f it does not know, a value of the wrong
// shape), found after the file was read: it says where the op is so the
// caller can name the file's line. what() is the expectation alone.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace simlab::history {

class OpError : public std::runtime_error {
 public:
  OpError(std::int64_t position, std::int64_t line, const std::string& expected)
      : std::runtime_error(expected), position_(position), line_(line) {}
  std::int64_t position() const { return position_; }  // in the history, 0-based
  std::int64_t line() const { return line_; }          // Op::line; 0 if unknown

 private:
  std::int64_t position_;
  std::int64_t line_;
};

}  // namespace simlab::history

// A reader for the subset of EDN (https://github.com/edn-format/edn) that
// Jepsen histories use: nil, true/false, integers, strings, keywords,
// symbols, vectors, lists, sets and maps, with commas as whitespace and ;
// comments. Keywords and symbols become strings without the colon
// (:append -> "append"), so an Elle micro-op [:append 1 2] reads as the list
// ["append", 1, 2]; true/false read as 1/0; a map nested inside a value reads
// as a list of [key value] pairs. Floats, characters and tagged literals are
// not used by any model and are rejected with the line they are on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "checkers/history/value.h"

namespace simlab::history {

class EdnParser {
 public:
  // `first_line` is the line number of text[0] in the file it came from.
  EdnParser(std::string_view text, std::string file_name, std::int64_t first_line = 1)
      : text_(text), file_name_(std::move(file_name)), line_(first_line) {}

  // Skips whitespace, commas and comments; true when nothing but those is left.
  bool at_end();
  // The next non-blank character, or '\0' at the end. Skips blanks first.
  char peek();
  // Consumes `c` after blanks; throws ParseError "expected WHAT" otherwise.
  void expect(char c, std::string_view what);
  // Parses one value; throws ParseError at the offending line.
  Value parse_value();
  // Parses a keyword (after blanks) and returns its name without the colon.
  std::string parse_keyword();

  std::int64_t line() const { return line_; }
  const std::string& file_name() const { return file_name_; }
  [[noreturn]] void fail(std::string expected) const;

 private:
  Value parse_collection(char close, std::string_view what);
  Value parse_map();
  Value parse_string();
  Value parse_atom();
  std::string_view take_token();

  std::string_view text_;
  std::string file_name_;
  std::int64_t line_;
  std::size_t position_ = 0;
  int depth_ = 0;  // nesting, bounded so hostile input cannot overflow the stack
};

}  // namespace simlab::history

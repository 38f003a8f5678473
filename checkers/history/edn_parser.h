// A reader for EDN (https://github.com/edn-format/edn) as Jepsen and Knossos
// write histories: nil, true/false, integers, floats, characters, strings,
// keywords, symbols, lists, vectors, sets and maps, with commas as
// whitespace, ; comments and #_ discards (the next form is dropped). Tagged
// literals pass through as the form they wrap (#inst "2024-01-01" reads as
// the string; #jepsen.history.Op{...}, a Clojure record, as its map).
// Clojure's ##Inf, ##-Inf and ##NaN read as floats.
//
// Values are history::Values: keywords and symbols become strings without
// the colon (:append -> "append"), so an Elle micro-op [:append 1 2] reads as
// the list ["append", 1, 2]; true/false read as 1/0; a character as a
// one-character string; lists, vectors and sets as lists; a map nested in a
// value as a list of [key value] pairs. last_kind() tells what the file
// spelled, for callers that must tell a keyword from a symbol.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "checkers/history/value.h"

namespace simlab::history {

enum class FormKind {
  nil,
  boolean,
  integer,
  floating,
  character,
  string,
  keyword,
  symbol,
  list,
  vector,
  set,
  map,
};

// "the symbol foo", "the string \"x\"", "a map": for "found ..." messages.
std::string describe_form(FormKind kind, const Value& value);

class EdnParser {
 public:
  // `first_line` is the line number of text[0] in the file it came from.
  EdnParser(std::string_view text, std::string file_name, std::int64_t first_line = 1)
      : text_(text), file_name_(std::move(file_name)), line_(first_line) {}

  // Skips whitespace, commas, comments and #_ discarded forms; true when
  // nothing but those is left.
  bool at_end();
  // The next non-blank character, or '\0' at the end. Skips blanks first.
  char peek();
  // Consumes `c` after blanks; throws ParseError "expected WHAT" otherwise.
  void expect(char c, std::string_view what);
  // Parses one form; throws ParseError at the offending line.
  Value parse_value();
  // The kind of the outermost form the last parse_value() read (for a tagged
  // literal, the kind of the form it wraps).
  FormKind last_kind() const { return last_kind_; }
  // Skips a tag such as #jepsen.history.Op, so the caller reads the form it
  // wraps itself; false (consuming nothing) when no tag comes next.
  bool skip_tag();

  std::int64_t line() const { return line_; }
  const std::string& file_name() const { return file_name_; }
  [[noreturn]] void fail(std::string expected) const;

 private:
  Value parse_form(FormKind& kind);
  Value parse_dispatch(FormKind& kind);
  Value parse_tagged(FormKind& kind);
  Value parse_symbolic_float();
  Value parse_collection(char close, std::string_view what);
  Value parse_map();
  Value parse_string();
  void read_unicode_escape(std::string& out);
  Value parse_character();
  Value parse_atom(FormKind& kind);
  void discard_form();
  std::string_view take_token();
  void enter();
  void leave() { --depth_; }

  std::string_view text_;
  std::string file_name_;
  std::int64_t line_;
  std::size_t position_ = 0;
  int depth_ = 0;  // nesting, bounded so hostile input cannot overflow the stack
  FormKind last_kind_ = FormKind::nil;
};

}  // namespace simlab::history

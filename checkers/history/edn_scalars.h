// The EDN atoms that are spelled by one token: numbers and characters, and
// the UTF-8 encoding that \uXXXX escapes need. Pure functions of their text,
// so EdnParser keeps to structure (collections, tags, discards, line counts)
// and these are tested alone. Spellings follow the EDN spec
// (https://github.com/edn-format/edn) and what Clojure's printer writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "checkers/history/value.h"

namespace simlab::history {

// A token read as a value, or what was expected instead (for "FILE:LINE:
// expected ..." messages).
struct ScalarRead {
  std::optional<Value> value;
  std::string expected;  // set when value is empty
};

// True when `token` starts like a number: a digit, or a sign and a digit.
bool starts_like_number(std::string_view token);

// 3, -7, +7, 42N (bigint suffix) and 0x1F (Clojure's, in #object[...]) read
// as integers; 1.5, -2e10, 1., 1.5M (BigDecimal suffix) as doubles.
// Integers beyond 64 bits, ratios (1/2) and other radixes (2r101) are not
// read: no history we know writes them.
ScalarRead read_edn_number(std::string_view token);

// A character literal without its backslash: a single character (a, é, or
// a delimiter such as "(" ), newline, space, tab, return, backspace,
// formfeed, uXXXX or oNNN. Reads as a one-character string.
ScalarRead read_edn_character(std::string_view name);

// The value of four hex digits, or nullopt.
std::optional<std::uint32_t> parse_hex4(std::string_view digits);

// Appends `code_point` as UTF-8; false (appending nothing) for a surrogate
// or a value past U+10FFFF.
bool append_utf8(std::uint32_t code_point, std::string& out);

// The byte length of the UTF-8 sequence `lead` starts (1 for ASCII and for
// bytes that cannot start a sequence).
std::size_t utf8_length(unsigned char lead);

}  // namespace simlab::history

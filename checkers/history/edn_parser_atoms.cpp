// EdnParser's atoms: strings with their escapes, characters, and the
// tokens that are nil, booleans, numbers, keywords or symbols.
#include <cmath>

#include "checkers/history/edn_parser.h"
#include "checkers/history/edn_scalars.h"
#include "checkers/history/value_format.h"

namespace simlab::history {
namespace {

bool is_token_char(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case ',':
    case '\f':
    case '\v':
    case '[':
    case ']':
    case '(':
    case ')':
    case '{':
    case '}':
    case '"':
    case ';':
      return false;
    default:
      return true;
  }
}

bool is_high_surrogate(std::uint32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(std::uint32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

}  // namespace

std::string describe_form(FormKind kind, const Value& value) {
  switch (kind) {
    case FormKind::nil:
      return "nil";
    case FormKind::boolean:
      return value == Value::integer(1) ? "true" : "false";
    case FormKind::integer:
      return "the integer " + format_value(value);
    case FormKind::floating:
      return "the float " + format_value(value);
    case FormKind::character:
      return "the character " + format_value(value);
    case FormKind::string:
      return "the string " + format_value(value);
    case FormKind::keyword:
      return "the keyword :" + value.as_string();
    case FormKind::symbol:
      return "the symbol " + value.as_string();
    case FormKind::list:
      return "a list";
    case FormKind::vector:
      return "a vector";
    case FormKind::set:
      return "a set";
    case FormKind::map:
      return "a map";
  }
  return "a value";
}

std::string_view EdnParser::take_token() {
  const std::size_t start = position_;
  while (position_ < text_.size() && is_token_char(text_[position_])) ++position_;
  return text_.substr(start, position_ - start);
}

Value EdnParser::parse_string() {
  std::string out;
  while (true) {
    if (position_ >= text_.size()) fail("expected '\"' to close the string");
    const char c = text_[position_++];
    if (c == '"') return Value::string(std::move(out));
    if (c == '\n') ++line_;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (position_ >= text_.size()) fail("expected an escaped character after '\\'");
    const char escaped = text_[position_++];
    switch (escaped) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u':
        read_unicode_escape(out);
        break;
      case '"':
      case '\\':
        out += escaped;
        break;
      default:
        fail(std::string("expected one of \\n \\t \\r \\b \\f \\uXXXX \\\" \\\\, found \\") +
             escaped);
    }
  }
}

// After "\u": four hex digits, and a second \uXXXX when the first is the
// high half of a UTF-16 surrogate pair (as Java writes characters past
// U+FFFF).
void EdnParser::read_unicode_escape(std::string& out) {
  const auto unit = parse_hex4(text_.substr(position_, 4));
  if (!unit) fail("expected four hex digits after \\u");
  position_ += 4;
  std::uint32_t code_point = *unit;
  if (is_high_surrogate(code_point)) {
    const bool escape_follows = text_.substr(position_, 2) == "\\u";
    const auto low = escape_follows ? parse_hex4(text_.substr(position_ + 2, 4)) : std::nullopt;
    if (!low || !is_low_surrogate(*low)) {
      fail("expected \\uDC00 to \\uDFFF after the high surrogate \\u" +
           std::string(text_.substr(position_ - 4, 4)));
    }
    position_ += 6;
    code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
  }
  if (!append_utf8(code_point, out)) {
    fail("expected a \\u escape that is not half a surrogate pair");
  }
}

// After '\': the first character is taken even when it is a delimiter (\( is
// the character '('), then the rest of a name such as newline.
Value EdnParser::parse_character() {
  if (position_ >= text_.size()) fail("expected a character after '\\'");
  const std::size_t start = position_;
  const std::size_t first_length = utf8_length(static_cast<unsigned char>(text_[position_]));
  position_ = std::min(text_.size(), position_ + first_length);
  take_token();
  ScalarRead read = read_edn_character(text_.substr(start, position_ - start));
  if (!read.value) fail(std::move(read.expected));
  return std::move(*read.value);
}

Value EdnParser::parse_atom(FormKind& kind) {
  const std::string_view token = take_token();
  if (token.empty()) fail("expected a value");
  if (token == "nil") {
    kind = FormKind::nil;
    return Value();
  }
  if (token == "true" || token == "false") {
    kind = FormKind::boolean;
    return Value::integer(token == "true" ? 1 : 0);
  }
  if (token[0] == ':') {
    if (token.size() == 1) fail("expected a keyword name after ':'");
    kind = FormKind::keyword;
    return Value::string(std::string(token.substr(1)));
  }
  if (starts_like_number(token)) {
    ScalarRead read = read_edn_number(token);
    if (!read.value) fail(std::move(read.expected));
    kind = read.value->is_integer() ? FormKind::integer : FormKind::floating;
    return std::move(*read.value);
  }
  kind = FormKind::symbol;
  return Value::string(std::string(token));
}

// After "##": Clojure's spellings of the doubles that have no digits.
Value EdnParser::parse_symbolic_float() {
  const std::string_view name = take_token();
  if (name == "Inf") return Value::floating(HUGE_VAL);
  if (name == "-Inf") return Value::floating(-HUGE_VAL);
  if (name == "NaN") return Value::floating(std::nan(""));
  fail("expected ##Inf, ##-Inf or ##NaN, found ##" + std::string(name));
}

}  // namespace simlab::history

#include "checkers/history/edn_parser.h"

#include <charconv>

#include "checkers/history/parse_error.h"

namespace simlab::history {
namespace {

constexpr int kDepthMax = 200;

bool is_token_char(char c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case ',': case '\f': case '\v':
    case '[': case ']': case '(': case ')': case '{': case '}': case '"': case ';':
      return false;
    default:
      return true;
  }
}

}  // namespace

void EdnParser::fail(std::string expected) const { throw ParseError(file_name_, line_, std::move(expected)); }

bool EdnParser::at_end() {
  while (position_ < text_.size()) {
    const char c = text_[position_];
    if (c == '\n') {
      ++line_;
    } else if (c == ';') {
      while (position_ < text_.size() && text_[position_] != '\n') ++position_;
      continue;
    } else if (!(c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\f' || c == '\v')) {
      return false;
    }
    ++position_;
  }
  return true;
}

char EdnParser::peek() { return at_end() ? '\0' : text_[position_]; }

void EdnParser::expect(char c, std::string_view what) {
  if (peek() != c) fail("expected " + std::string(what));
  ++position_;
}

Value EdnParser::parse_value() {
  const char c = peek();
  switch (c) {
    case '\0': fail("expected a value, found the end of the input");
    case '[': ++position_; return parse_collection(']', "']' to close the vector");
    case '(': ++position_; return parse_collection(')', "')' to close the list");
    case '{': ++position_; return parse_map();
    case '"': ++position_; return parse_string();
    case '#':
      if (position_ + 1 < text_.size() && text_[position_ + 1] == '{') {
        position_ += 2;
        return parse_collection('}', "'}' to close the set");
      }
      fail("expected a value; tagged literals are not supported");
    case ']': case ')': case '}': fail(std::string("expected a value, found '") + c + "'");
    default: return parse_atom();
  }
}

Value EdnParser::parse_collection(char close, std::string_view what) {
  if (++depth_ > kDepthMax) fail("expected values nested at most 200 deep");
  Value::List items;
  while (peek() != close) {
    if (peek() == '\0') fail("expected " + std::string(what));
    items.push_back(parse_value());
  }
  ++position_;
  --depth_;
  return Value::list(std::move(items));
}

Value EdnParser::parse_map() {
  if (++depth_ > kDepthMax) fail("expected values nested at most 200 deep");
  Value::List pairs;
  while (peek() != '}') {
    if (peek() == '\0') fail("expected '}' to close the map");
    Value key = parse_value();
    if (peek() == '}' || peek() == '\0') fail("expected a value after the map key");
    Value value = parse_value();
    pairs.push_back(Value::list({std::move(key), std::move(value)}));
  }
  ++position_;
  --depth_;
  return Value::list(std::move(pairs));
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
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': case '\\': out += escaped; break;
      default: fail(std::string("expected one of \\n \\t \\r \\\" \\\\, found \\") + escaped);
    }
  }
}

std::string_view EdnParser::take_token() {
  const std::size_t start = position_;
  while (position_ < text_.size() && is_token_char(text_[position_])) ++position_;
  return text_.substr(start, position_ - start);
}

Value EdnParser::parse_atom() {
  const std::string_view token = take_token();
  if (token.empty()) fail("expected a value");
  if (token == "nil") return Value();
  if (token == "true") return Value::integer(1);
  if (token == "false") return Value::integer(0);
  if (token[0] == ':') {
    if (token.size() == 1) fail("expected a keyword name after ':'");
    return Value::string(std::string(token.substr(1)));
  }
  const char first = token[0];
  const bool numeric = (first >= '0' && first <= '9') ||
                       ((first == '-' || first == '+') && token.size() > 1 && token[1] >= '0' &&
                        token[1] <= '9');
  if (numeric) {
    std::string_view digits = token[0] == '+' ? token.substr(1) : token;
    if (!digits.empty() && digits.back() == 'N') digits.remove_suffix(1);  // EDN bigint suffix
    std::int64_t number = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (error != std::errc() || end != digits.data() + digits.size()) {
      fail("expected a 64-bit integer, found '" + std::string(token) + "'");
    }
    return Value::integer(number);
  }
  if (first == '\\') fail("expected a value; characters are not supported");
  return Value::string(std::string(token));  // a symbol
}

std::string EdnParser::parse_keyword() {
  if (peek() != ':') fail("expected a keyword");
  const std::string_view token = take_token();
  if (token.size() < 2) fail("expected a keyword name after ':'");
  return std::string(token.substr(1));
}

}  // namespace simlab::history

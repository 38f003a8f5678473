// EdnParser's structure: blanks, comments and discards, collections, maps,
// and the '#' dispatch (sets, tags, ##Inf). Atoms, strings and characters
// are in edn_parser_atoms.cpp.
#include "checkers/history/edn_parser.h"

#include "checkers/history/parse_error.h"

namespace simlab::history {
namespace {

constexpr int kDepthMax = 200;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\f' || c == '\v';
}

bool is_alphabetic(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

void EdnParser::fail(std::string expected) const { throw ParseError(file_name_, line_, std::move(expected)); }

void EdnParser::enter() {
  if (++depth_ > kDepthMax) fail("expected values nested at most 200 deep");
}

bool EdnParser::at_end() {
  while (position_ < text_.size()) {
    const char c = text_[position_];
    if (c == '\n') {
      ++line_;
    } else if (c == ';') {
      while (position_ < text_.size() && text_[position_] != '\n') ++position_;
      continue;
    } else if (c == '#' && position_ + 1 < text_.size() && text_[position_ + 1] == '_') {
      position_ += 2;
      discard_form();
      continue;
    } else if (!is_blank(c)) {
      return false;
    }
    ++position_;
  }
  return true;
}

// #_ drops the next form, which may itself start with #_ (#_ #_ a b drops
// both). Each discard counts as nesting, so a run of them is bounded too.
void EdnParser::discard_form() {
  enter();
  const FormKind kept = last_kind_;
  if (at_end()) fail("expected a form after #_ to discard");
  parse_value();
  last_kind_ = kept;
  leave();
}

char EdnParser::peek() { return at_end() ? '\0' : text_[position_]; }

void EdnParser::expect(char c, std::string_view what) {
  if (peek() != c) fail("expected " + std::string(what));
  ++position_;
}

Value EdnParser::parse_value() {
  FormKind kind = FormKind::nil;
  Value value = parse_form(kind);
  last_kind_ = kind;  // after the nested forms, which set it too
  return value;
}

Value EdnParser::parse_form(FormKind& kind) {
  const char c = peek();
  switch (c) {
    case '\0':
      fail("expected a value, found the end of the input");
    case ']': case ')': case '}': fail(std::string("expected a value, found '") + c + "'");
    case '[':
    case '(':
    case '{':
    case '"':
    case '\\':
    case '#':
      break;
    default:
      return parse_atom(kind);
  }
  ++position_;  // the opening character, which says what the form is
  switch (c) {
    case '[':
      kind = FormKind::vector;
      return parse_collection(']', "']' to close the vector");
    case '(':
      kind = FormKind::list;
      return parse_collection(')', "')' to close the list");
    case '{':
      kind = FormKind::map;
      return parse_map();
    case '"':
      kind = FormKind::string;
      return parse_string();
    case '\\':
      kind = FormKind::character;
      return parse_character();
    default:
      return parse_dispatch(kind);  // '#'
  }
}

// After '#': #{set}, ##Inf, or a tag (#_ never gets here: at_end() drops it).
Value EdnParser::parse_dispatch(FormKind& kind) {
  const char next = position_ < text_.size() ? text_[position_] : '\0';
  if (next == '{') {
    ++position_;
    kind = FormKind::set;
    return parse_collection('}', "'}' to close the set");
  }
  if (next == '#') {
    ++position_;
    kind = FormKind::floating;
    return parse_symbolic_float();
  }
  if (is_alphabetic(next)) return parse_tagged(kind);
  fail("expected #{ for a set, #_ to discard, ##Inf or ##NaN, or a tag such as #inst after '#'");
}

Value EdnParser::parse_tagged(FormKind& kind) {
  const std::string tag(take_token());
  enter();
  if (at_end()) fail("expected a value after the tag #" + tag);
  Value wrapped = parse_form(kind);
  leave();
  return wrapped;
}

bool EdnParser::skip_tag() {
  const bool tag =
      peek() == '#' && position_ + 1 < text_.size() && is_alphabetic(text_[position_ + 1]);
  if (!tag) return false;
  ++position_;
  take_token();
  return true;
}

Value EdnParser::parse_collection(char close, std::string_view what) {
  enter();
  Value::List items;
  while (peek() != close) {
    if (peek() == '\0') fail("expected " + std::string(what));
    items.push_back(parse_value());
  }
  ++position_;
  leave();
  return Value::list(std::move(items));
}

Value EdnParser::parse_map() {
  enter();
  Value::List pairs;
  while (peek() != '}') {
    if (peek() == '\0') fail("expected '}' to close the map");
    Value key = parse_value();
    if (peek() == '}' || peek() == '\0') fail("expected a value after the map key");
    Value value = parse_value();
    pairs.push_back(Value::list({std::move(key), std::move(value)}));
  }
  ++position_;
  leave();
  return Value::list(std::move(pairs));
}

}  // namespace simlab::history

#include "checkers/history/edn_scalars.h"

#include <array>
#include <charconv>
#include <utility>

namespace simlab::history {
namespace {

ScalarRead expected(std::string text) { return ScalarRead{std::nullopt, std::move(text)}; }

ScalarRead not_a_number(std::string_view token) {
  return expected("expected a number such as 3, 42N or 1.5, found '" + std::string(token) + "'");
}

ScalarRead beyond_64_bits(std::string_view token) {
  return expected("expected a 64-bit integer, found '" + std::string(token) + "'");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

ScalarRead read_hex_integer(std::string_view token, bool negative, std::string_view digits) {
  std::uint64_t magnitude = 0;
  const char* const last = digits.data() + digits.size();
  const auto [end, error] = std::from_chars(digits.data(), last, magnitude, 16);
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  if (error == std::errc::result_out_of_range || (error == std::errc() && magnitude > limit)) {
    return beyond_64_bits(token);
  }
  if (digits.empty() || error != std::errc() || end != last) {
    return expected("expected hex digits after 0x, found '" + std::string(token) + "'");
  }
  const auto number = static_cast<std::int64_t>(negative ? ~magnitude + 1 : magnitude);
  return ScalarRead{Value::integer(number), {}};
}

// Clojure prints #object[java.lang.Object 0x1f2c "..."] (an :error often
// holds one), so 0x hex reads too, though EDN has no hex.
ScalarRead read_integer(std::string_view token, std::string_view digits) {
  if (!digits.empty() && digits.back() == 'N') digits.remove_suffix(1);
  const bool negative = !digits.empty() && digits[0] == '-';
  const std::string_view unsigned_digits = negative ? digits.substr(1) : digits;
  const bool hex = unsigned_digits.starts_with("0x") || unsigned_digits.starts_with("0X");
  if (hex) return read_hex_integer(token, negative, unsigned_digits.substr(2));
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error == std::errc::result_out_of_range) {
    return beyond_64_bits(token);
  }
  if (error != std::errc() || end != digits.data() + digits.size()) {
    return not_a_number(token);
  }
  return ScalarRead{Value::integer(number), {}};
}

ScalarRead read_floating(std::string_view token, std::string_view digits) {
  if (!digits.empty() && digits.back() == 'M') digits.remove_suffix(1);  // BigDecimal, as a double
  double number = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error == std::errc::result_out_of_range) {
    return expected("expected a number within a double's range, found '" + std::string(token) +
                    "'");
  }
  if (error != std::errc() || end != digits.data() + digits.size()) {
    return not_a_number(token);
  }
  return ScalarRead{Value::floating(number), {}};
}

std::optional<std::uint32_t> parse_octal(std::string_view digits) {
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  std::uint32_t number = 0;
  for (const char c : digits) {
    if (c < '0' || c > '7') return std::nullopt;
    number = number * 8 + static_cast<std::uint32_t>(c - '0');
  }
  return number <= 0377 ? std::optional(number) : std::nullopt;
}

std::optional<std::uint32_t> named_character(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 6> kNames = {{
      {"newline", '\n'},
      {"space", ' '},
      {"tab", '\t'},
      {"return", '\r'},
      {"backspace", '\b'},
      {"formfeed", '\f'},
  }};
  for (const auto& [spelling, code_point] : kNames) {
    if (name == spelling) return code_point;
  }
  if (name.size() == 5 && name[0] == 'u') return parse_hex4(name.substr(1));
  if (name.size() >= 2 && name[0] == 'o') return parse_octal(name.substr(1));
  return std::nullopt;
}

}  // namespace

bool starts_like_number(std::string_view token) {
  if (token.empty()) return false;
  if (is_digit(token[0])) return true;
  return (token[0] == '-' || token[0] == '+') && token.size() > 1 && is_digit(token[1]);
}

ScalarRead read_edn_number(std::string_view token) {
  // from_chars takes no '+'.
  const std::string_view digits = token[0] == '+' ? token.substr(1) : token;
  const bool hex = digits.find_first_of("xX") != std::string_view::npos;
  const bool floating =
      !hex && (digits.find_first_of(".eE") != std::string_view::npos || digits.back() == 'M');
  return floating ? read_floating(token, digits) : read_integer(token, digits);
}

ScalarRead read_edn_character(std::string_view name) {
  if (!name.empty() && name.size() == utf8_length(static_cast<unsigned char>(name[0]))) {
    return ScalarRead{Value::string(std::string(name)), {}};
  }
  std::string text;
  if (const auto code_point = named_character(name); code_point && append_utf8(*code_point, text)) {
    return ScalarRead{Value::string(std::move(text)), {}};
  }
  return expected("expected a character such as \\a, \\newline, \\space or \\u0041, found \\" +
                  std::string(name));
}

std::optional<std::uint32_t> parse_hex4(std::string_view digits) {
  if (digits.size() != 4) return std::nullopt;
  std::uint32_t number = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + 4, number, 16);
  if (error != std::errc() || end != digits.data() + 4) return std::nullopt;
  return number;
}

bool append_utf8(std::uint32_t code_point, std::string& out) {
  if ((code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) return false;
  const auto byte = [](std::uint32_t bits) { return static_cast<char>(bits); };
  if (code_point < 0x80) {
    out += byte(code_point);
  } else if (code_point < 0x800) {
    out += byte(0xC0 | (code_point >> 6));
    out += byte(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += byte(0xE0 | (code_point >> 12));
    out += byte(0x80 | ((code_point >> 6) & 0x3F));
    out += byte(0x80 | (code_point & 0x3F));
  } else {
    out += byte(0xF0 | (code_point >> 18));
    out += byte(0x80 | ((code_point >> 12) & 0x3F));
    out += byte(0x80 | ((code_point >> 6) & 0x3F));
    out += byte(0x80 | (code_point & 0x3F));
  }
  return true;
}

std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC2) return 2;
  return 1;
}

}  // namespace simlab::history

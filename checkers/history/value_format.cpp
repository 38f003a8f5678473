#include "checkers/history/value_format.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace simlab::history {
namespace {

// EDN's spelling: the shortest text that reads back as the same double,
// always with a '.' or an exponent so it does not read back as an integer;
// ##Inf, ##-Inf and ##NaN for the values EDN has no digits for.
std::string format_floating(double number) {
  if (std::isnan(number)) return "##NaN";
  if (std::isinf(number)) return number > 0 ? "##Inf" : "##-Inf";
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, number);
  std::string text(buffer, error == std::errc() ? end : buffer);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

void append_value(const Value& value, std::string& out) {
  if (value.is_nil()) {
    out += "nil";
  } else if (value.is_integer()) {
    out += std::to_string(value.as_integer());
  } else if (value.is_floating()) {
    out += format_floating(value.as_floating());
  } else if (value.is_string()) {
    out += dump_json(value.as_string());
  } else {
    out += '[';
    bool first = true;
    for (const Value& item : value.as_list()) {
      if (!first) out += ' ';
      first = false;
      append_value(item, out);
    }
    out += ']';
  }
}

}  // namespace

std::string dump_json(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string format_value(const Value& value) {
  std::string out;
  append_value(value, out);
  return out;
}

std::size_t hash_value(const Value& value) {
  if (value.is_nil()) return mix_bits(0x6e696cULL);
  if (value.is_integer()) return mix_bits(static_cast<std::uint64_t>(value.as_integer()) * 3 + 1);
  if (value.is_string()) return mix_bits(std::hash<std::string>{}(value.as_string()) * 3 + 2);
  if (value.is_floating()) {
    const double number = value.as_floating() == 0 ? 0.0 : value.as_floating();  // -0.0 == 0.0
    return mix_bits(std::bit_cast<std::uint64_t>(number) ^ 0x666c6f6174ULL);
  }
  std::uint64_t hash = 0x6c697374ULL;
  for (const Value& item : value.as_list()) hash = mix_bits(hash ^ hash_value(item));
  return static_cast<std::size_t>(hash);
}

nlohmann::json value_to_json(const Value& value) {
  if (value.is_nil()) return nullptr;
  if (value.is_integer()) return value.as_integer();
  if (value.is_string()) return value.as_string();
  if (value.is_floating()) {
    // JSON has no infinities or NaN: those keep their EDN spelling as text.
    if (!std::isfinite(value.as_floating())) return format_floating(value.as_floating());
    return value.as_floating();
  }
  nlohmann::json array = nlohmann::json::array();
  for (const Value& item : value.as_list()) array.push_back(value_to_json(item));
  return array;
}

bool value_from_json(const nlohmann::json& json, Value& out) {
  switch (json.type()) {
    case nlohmann::json::value_t::null: out = Value(); return true;
    case nlohmann::json::value_t::boolean: out = Value::integer(json.get<bool>() ? 1 : 0); return true;
    case nlohmann::json::value_t::number_integer: out = Value::integer(json.get<std::int64_t>()); return true;
    case nlohmann::json::value_t::number_unsigned: {
      const auto number = json.get<std::uint64_t>();
      if (number > static_cast<std::uint64_t>(INT64_MAX)) return false;
      out = Value::integer(static_cast<std::int64_t>(number));
      return true;
    }
    case nlohmann::json::value_t::string: out = Value::string(json.get<std::string>()); return true;
    case nlohmann::json::value_t::array: {
      Value::List items;
      items.reserve(json.size());
      for (const auto& element : json) {
        Value item;
        if (!value_from_json(element, item)) return false;
        items.push_back(std::move(item));
      }
      out = Value::list(std::move(items));
      return true;
    }
    default: return false;
  }
}

}  // namespace simlab::history

// Strict reading of JSON input fields (scenarios and their timelines): a
// field of the wrong type or outside its range is an error naming the field
// by its JSON path, never a silent cast (4294967299 must not become 3).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

namespace simlab::json_fields {

class FieldError : public std::invalid_argument {
 public:
  FieldError(std::string field, std::string message)
      : std::invalid_argument(field + ": " + message),
        field_(std::move(field)),
        message_(std::move(message)) {}
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }

 private:
  std::string field_;
  std::string message_;
};

inline std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

inline void reject_unknown(const nlohmann::json& object, const std::string& path,
                           const std::set<std::string>& known) {
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) throw FieldError(join(path, key), "unknown field");
  }
}

inline void read_string(const nlohmann::json& object, const std::string& path,
                        const std::string& key, std::string& out) {
  auto it = object.find(key);
  if (it == object.end()) return;
  if (!it->is_string()) throw FieldError(join(path, key), "expected a string");
  out = it->get<std::string>();
}

inline void read_bool(const nlohmann::json& object, const std::string& path, const std::string& key,
                      bool& out) {
  auto it = object.find(key);
  if (it == object.end()) return;
  if (!it->is_boolean()) throw FieldError(join(path, key), "expected true or false");
  out = it->get<bool>();
}

// An integer in [min, max], read without any cast that could wrap.
template <typename T>
void read_integer(const nlohmann::json& object, const std::string& path, const std::string& key,
                  T& out, T min = std::numeric_limits<T>::min(),
                  T max = std::numeric_limits<T>::max()) {
  auto it = object.find(key);
  if (it == object.end()) return;
  const std::string field = join(path, key);
  if (!it->is_number_integer()) throw FieldError(field, "expected an integer");
  // Every int64 and uint64 fits in 128 bits, so the comparison cannot wrap.
  const __int128 value = it->is_number_unsigned() ? static_cast<__int128>(it->get<std::uint64_t>())
                                                  : static_cast<__int128>(it->get<std::int64_t>());
  if (value < static_cast<__int128>(min) || value > static_cast<__int128>(max)) {
    throw FieldError(field, fmt::format("expected an integer from {} to {}", min, max));
  }
  out = static_cast<T>(value);
}

inline void read_number(const nlohmann::json& object, const std::string& path,
                        const std::string& key, double& out, double min, double max) {
  auto it = object.find(key);
  if (it == object.end()) return;
  const std::string field = join(path, key);
  if (!it->is_number()) throw FieldError(field, "expected a number");
  const double value = it->get<double>();
  if (!(value >= min && value <= max))
    throw FieldError(field, fmt::format("expected a number from {} to {}", min, max));
  out = value;
}

}  // namespace simlab::json_fields

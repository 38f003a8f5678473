// A value in a history: nil, an integer, a floating-point number, a string,
// or a list of values (a cas is [from, to]; a transaction is a list of
// micro-ops such as [append, 3, 7] with the function name as a string). This
// is the interchange form; checkers compile it to dense integers before any
// search. A float never equals an integer (1.0 is not 1), as in Clojure.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace simlab::history {

class Value {
 public:
  using List = std::vector<Value>;

  Value() = default;  // nil
  static Value integer(std::int64_t number) { return Value(Storage(number)); }
  static Value floating(double number) { return Value(Storage(number)); }
  static Value string(std::string text) { return Value(Storage(std::move(text))); }
  static Value list(List items) { return Value(Storage(std::move(items))); }

  bool is_nil() const { return std::holds_alternative<std::monostate>(storage_); }
  bool is_integer() const { return std::holds_alternative<std::int64_t>(storage_); }
  bool is_floating() const { return std::holds_alternative<double>(storage_); }
  bool is_string() const { return std::holds_alternative<std::string>(storage_); }
  bool is_list() const { return std::holds_alternative<List>(storage_); }

  // REQUIRES: the matching is_*() is true.
  std::int64_t as_integer() const { return std::get<std::int64_t>(storage_); }
  double as_floating() const { return std::get<double>(storage_); }
  const std::string& as_string() const { return std::get<std::string>(storage_); }
  const List& as_list() const { return std::get<List>(storage_); }

  friend bool operator==(const Value&, const Value&) = default;

 private:
  using Storage = std::variant<std::monostate, std::int64_t, double, std::string, List>;
  explicit Value(Storage storage) : storage_(std::move(storage)) {}
  Storage storage_;
};

}  // namespace simlab::history

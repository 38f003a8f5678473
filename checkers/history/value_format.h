// Printing, hashing and JSON conversion of history values. Printing uses EDN
// syntax (nil, 3, 1.5, "x", [1 2]) because that is how Jepsen users read values.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "checkers/history/value.h"

namespace simlab::history {

std::string format_value(const Value& value);

std::size_t hash_value(const Value& value);
struct ValueHash {
  std::size_t operator()(const Value& value) const { return hash_value(value); }
};

nlohmann::json value_to_json(const Value& value);

// Compact JSON text. History strings are bytes and need not be UTF-8; an
// invalid sequence is written as U+FFFD instead of throwing.
std::string dump_json(const nlohmann::json& json);

// Null, integers, strings and arrays of those; booleans become 0/1 so that a
// Jepsen-style flag survives. Returns false (leaving `out` unspecified) for
// floats and objects: JSONL histories keep to the values our own runs write
// (EDN histories may hold floats, see edn_parser.h).
bool value_from_json(const nlohmann::json& json, Value& out);

}  // namespace simlab::history

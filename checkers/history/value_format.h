// Printing, hashing and JSON conversion of history values. Printing uses EDN
// syntax (nil, 3, 1.5, "x", [1 2]) because that is how Jepsen users read values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "checkers/history/value.h"

namespace simlab::history {

std::string format_value(const Value& value);

std::size_t hash_value(const Value& value);

// splitmix64's finalizer (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014): cheap and well mixed, so
// consecutive integers spread over a hash table's buckets.
inline std::size_t mix_bits(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<std::size_t>(x);
}
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

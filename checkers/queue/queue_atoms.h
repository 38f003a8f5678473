// The keys and values of a queue history, interned once as they are read so
// that the checker compares and hashes words, not text (issue 14's rule:
// values are integers after reading). An integer that fits in 63 bits is its
// own atom, so the common history (integer keys and values) interns nothing;
// any other value (a string, nil, a list, a huge integer) is an index into a
// table of its EDN text (history::format_value), so two values are the same
// atom exactly when their EDN texts are equal.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "checkers/history/value.h"

namespace simlab::queue {

struct Atom {
  std::uint64_t bits = 0;  // low bit 1: integer << 1; low bit 0: table index << 1
  friend auto operator<=>(const Atom&, const Atom&) = default;
};

struct AtomHash {
  std::size_t operator()(Atom atom) const;
};

class AtomTable {
 public:
  Atom integer(std::int64_t number);
  Atom text(std::string_view edn_text);  // interned
  Atom of(const history::Value& value);

  // The atom's EDN text, as history::format_value prints the value.
  std::string text_of(Atom atom) const;

 private:
  std::deque<std::string> texts_;  // a deque: the map's views into it stay valid
  std::unordered_map<std::string_view, std::uint64_t> ids_;
};

}  // namespace simlab::queue

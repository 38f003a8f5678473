#include "checkers/queue/queue_atoms.h"

#include "checkers/history/value_format.h"

namespace simlab::queue {
namespace {

constexpr std::int64_t kInlineMin = -(std::int64_t{1} << 62);
constexpr std::int64_t kInlineEnd = std::int64_t{1} << 62;

bool inline_integer(Atom atom) { return (atom.bits & 1) != 0; }

}  // namespace

std::size_t AtomHash::operator()(Atom atom) const { return history::mix_bits(atom.bits); }

Atom AtomTable::integer(std::int64_t number) {
  if (number < kInlineMin || number >= kInlineEnd) return text(std::to_string(number));
  return Atom{(static_cast<std::uint64_t>(number) << 1) | 1};
}

Atom AtomTable::text(std::string_view edn_text) {
  const auto found = ids_.find(edn_text);
  if (found != ids_.end()) return Atom{found->second << 1};
  const std::uint64_t id = texts_.size();
  texts_.emplace_back(edn_text);
  ids_.emplace(texts_.back(), id);
  return Atom{id << 1};
}

Atom AtomTable::of(const history::Value& value) {
  if (value.is_integer()) return integer(value.as_integer());
  return text(history::format_value(value));
}

std::string AtomTable::text_of(Atom atom) const {
  if (inline_integer(atom)) return std::to_string(static_cast<std::int64_t>(atom.bits) >> 1);
  return texts_[atom.bits >> 1];
}

}  // namespace simlab::queue

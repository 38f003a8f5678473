// Interns values (or sequences of ids) as dense integers so model states and
// call arguments are plain integers in the search.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "checkers/history/value.h"
#include "checkers/history/value_format.h"

namespace simlab::linearizability {

class ValueTable {
 public:
  ValueTable() { intern(history::Value()); }  // nil is id 0

  std::int64_t intern(const history::Value& value) {
    const auto [found, inserted] = ids_.try_emplace(value, static_cast<std::int64_t>(values_.size()));
    if (inserted) values_.push_back(value);
    return found->second;
  }
  const history::Value& value(std::int64_t id) const { return values_[static_cast<std::size_t>(id)]; }

 private:
  std::unordered_map<history::Value, std::int64_t, history::ValueHash> ids_;
  std::vector<history::Value> values_;
};

class SequenceTable {
 public:
  SequenceTable() { intern({}); }  // the empty sequence is id 0

  std::int64_t intern(const std::vector<std::int64_t>& sequence) {
    const auto [found, inserted] = ids_.try_emplace(sequence, static_cast<std::int64_t>(sequences_.size()));
    if (inserted) sequences_.push_back(sequence);
    return found->second;
  }
  const std::vector<std::int64_t>& sequence(std::int64_t id) const {
    return sequences_[static_cast<std::size_t>(id)];
  }

 private:
  struct Hash {
    std::size_t operator()(const std::vector<std::int64_t>& sequence) const {
      std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a over the ids
      for (const std::int64_t id : sequence) hash = (hash ^ static_cast<std::uint64_t>(id)) * 0x100000001b3ULL;
      return static_cast<std::size_t>(hash);
    }
  };
  std::unordered_map<std::vector<std::int64_t>, std::int64_t, Hash> ids_;
  std::vector<std::vector<std::int64_t>> sequences_;
};

}  // namespace simlab::linearizability

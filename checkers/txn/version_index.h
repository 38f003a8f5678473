// Who wrote each (key, value): a vector sorted by key then value, searched
// by binary search within a key's range. Elle's inferences all start from
// "which transaction wrote this version"; values are unique per key by the
// workloads' construction (Kingsbury & Alvaro, VLDB 2020, section 3.2).
#pragma once

#include <cstdint>
#include <vector>

#include "checkers/txn/txn_history.h"

namespace simlab::txn {

struct WriteRecord {
  std::uint32_t key = 0;
  std::int64_t value = 0;
  std::uint32_t txn = 0;
  bool final = true;           // the txn's last append/write to this key
  std::int32_t position = -1;  // index in the key's inferred version order, if known
};

class VersionIndex {
 public:
  // Indexes every append and write of every transaction, aborted ones too.
  explicit VersionIndex(const TxnHistory& history);

  // The record of (key, value), or nullptr when nobody wrote it.
  WriteRecord* find(std::uint32_t key, std::int64_t value);
  const WriteRecord* find(std::uint32_t key, std::int64_t value) const {
    return const_cast<VersionIndex*>(this)->find(key, value);
  }
  // All writes of a key, sorted by value.
  std::span<WriteRecord> of_key(std::uint32_t key) {
    return {records_.data() + key_begin_[key], key_begin_[key + 1] - key_begin_[key]};
  }
  // (key, value) pairs written more than once: the inference assumes unique writes.
  const std::vector<WriteRecord>& duplicates() const { return duplicates_; }

 private:
  std::vector<WriteRecord> records_;
  std::vector<std::size_t> key_begin_;
  std::vector<WriteRecord> duplicates_;
};

}  // namespace simlab::txn

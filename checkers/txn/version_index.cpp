#include "checkers/txn/version_index.h"

#include <algorithm>

namespace simlab::txn {

VersionIndex::VersionIndex(const TxnHistory& history) {
  for (std::uint32_t id = 0; id < history.txns.size(); ++id) {
    const auto ops = history.ops_of(id);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].kind == MicroOpKind::read) continue;
      const bool final = std::none_of(ops.begin() + i + 1, ops.end(), [&](const MicroOp& later) {
        return later.kind != MicroOpKind::read && later.key == ops[i].key;
      });
      records_.push_back({ops[i].key, ops[i].value, id, final, -1});
    }
  }
  std::sort(records_.begin(), records_.end(), [](const WriteRecord& a, const WriteRecord& b) {
    return a.key != b.key ? a.key < b.key : a.value != b.value ? a.value < b.value : a.txn < b.txn;
  });
  // Keep the first writer of a duplicated (key, value); remember the others.
  auto kept = std::unique(records_.begin(), records_.end(),
                          [&](const WriteRecord& a, const WriteRecord& b) {
                            const bool same = a.key == b.key && a.value == b.value;
                            if (same) duplicates_.push_back(b);
                            return same;
                          });
  records_.erase(kept, records_.end());
  key_begin_.assign(history.key_names.size() + 1, 0);
  for (const auto& record : records_) ++key_begin_[record.key + 1];
  for (std::size_t key = 0; key < history.key_names.size(); ++key) {
    key_begin_[key + 1] += key_begin_[key];
  }
}

WriteRecord* VersionIndex::find(std::uint32_t key, std::int64_t value) {
  auto range = of_key(key);
  auto it =
      std::lower_bound(range.begin(), range.end(), value,
                       [](const WriteRecord& record, std::int64_t v) { return record.value < v; });
  return it != range.end() && it->value == value ? &*it : nullptr;
}

}  // namespace simlab::txn

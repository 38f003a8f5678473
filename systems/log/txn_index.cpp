#include "systems/log/txn_index.h"

#include <algorithm>

namespace simlab::commitlog {

void TxnIndex::record(const Record& record) {
  if (record.kind == RecordKind::txn_data) {
    open_.try_emplace(record.producer_id, OpenTxn{record.offset, record.producer_epoch});
    return;
  }
  if (!is_marker(record.kind)) return;
  last_marker_[record.producer_id] = record.offset;
  const auto open = open_.find(record.producer_id);
  if (open == open_.end()) return;  // a marker with nothing to end here
  if (record.kind == RecordKind::abort_marker)
    aborted_[record.producer_id].emplace_back(open->second.first, record.offset);
  open_.erase(open);
}

void TxnIndex::clear() {
  open_.clear();
  last_marker_.clear();
  aborted_.clear();
}

Offset TxnIndex::first_open() const {
  Offset first = kNoOffset;
  for (const auto& [producer, txn] : open_) first = std::min(first, txn.first);
  return first;
}

std::optional<TxnIndex::OpenTxn> TxnIndex::open(std::uint64_t producer_id) const {
  const auto it = open_.find(producer_id);
  if (it == open_.end()) return std::nullopt;
  return it->second;
}

Offset TxnIndex::last_marker(std::uint64_t producer_id) const {
  const auto it = last_marker_.find(producer_id);
  return it == last_marker_.end() ? -1 : it->second;
}

bool TxnIndex::aborted(const Record& record) const {
  if (record.kind != RecordKind::txn_data) return false;
  const auto it = aborted_.find(record.producer_id);
  if (it == aborted_.end()) return false;
  // The last range that starts at or before the record.
  const auto& ranges = it->second;
  auto after =
      std::upper_bound(ranges.begin(), ranges.end(), record.offset,
                       [](Offset offset, const auto& range) { return offset < range.first; });
  if (after == ranges.begin()) return false;
  --after;
  return record.offset <= after->second;
}

}  // namespace simlab::commitlog

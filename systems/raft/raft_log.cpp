#include "systems/raft/raft_log.h"

#include "systems/common/crc32c.h"
#include "systems/common/violation.h"

namespace simlab::raft {

std::uint64_t chain_hash(std::uint64_t previous, const Entry& entry) {
  // FNV-1a style mixing of (previous, index, term, crc of data): collisions
  // only matter to the observer, and 64 bits make them negligible.
  std::uint64_t hash = previous ^ 0xcbf29ce484222325ULL;
  const std::uint64_t parts[] = {entry.index, entry.term, static_cast<std::uint64_t>(entry.type),
                                 crc32c(entry.data)};
  for (std::uint64_t part : parts) {
    hash ^= part;
    hash *= 0x100000001b3ULL;
    hash ^= hash >> 29;
  }
  return hash;
}

const Entry& RaftLog::at(Index index) const {
  SIMLAB_ASSERT(index >= first_index() && index <= last_index(), "raft.log-bounds",
                "entry " + std::to_string(index) + " outside the log");
  return entries_[index - first_index()].entry;
}

std::vector<Entry> RaftLog::slice(Index from, std::size_t count_max) const {
  SIMLAB_ASSERT(from >= first_index(), "raft.log-bounds", "slice from a compacted index");
  std::vector<Entry> result;
  for (Index i = from; i <= last_index() && result.size() < count_max; ++i) {
    result.push_back(entries_[i - first_index()].entry);
  }
  return result;
}

std::uint64_t RaftLog::chain_before(Index index) const {
  return index == first_index() ? snapshot_chain_ : entries_[index - 1 - first_index()].chain;
}

void RaftLog::append(Entry entry) {
  SIMLAB_ASSERT(entry.index == last_index() + 1, "raft.log-contiguous",
                "appending " + std::to_string(entry.index) + " after " +
                    std::to_string(last_index()));
  SIMLAB_ASSERT(entry.term >= last_term(), "raft.log-terms-monotonic",
                "entry " + std::to_string(entry.index) + " has a term below its predecessor");
  const std::uint64_t chain = chain_hash(chain_before(entry.index), entry);
  entries_.push_back(Slot{std::move(entry), chain});
}

void RaftLog::overwrite_in_place(Entry entry) {
  SIMLAB_ASSERT(entry.index >= first_index() && entry.index <= last_index(), "raft.log-bounds",
                "overwrite outside the log");
  const Index index = entry.index;
  entries_[index - first_index()].entry = std::move(entry);
  for (Index i = index; i <= last_index(); ++i) {
    Slot& slot = entries_[i - first_index()];
    slot.chain = chain_hash(chain_before(i), slot.entry);
  }
}

void RaftLog::truncate_after(Index index) {
  SIMLAB_ASSERT(index >= snapshot_index_, "raft.truncate-committed-snapshot",
                "truncating below the snapshot");
  while (last_index() > index) entries_.pop_back();
}

void RaftLog::compact_to(Index index) {
  if (index <= snapshot_index_) return;
  SIMLAB_ASSERT(index <= last_index(), "raft.log-bounds", "compacting beyond the log");
  const Slot& slot = entries_[index - first_index()];
  snapshot_term_ = slot.entry.term;
  snapshot_chain_ = slot.chain;
  const Index drop = index - snapshot_index_;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(drop));
  snapshot_index_ = index;
}

void RaftLog::reset(Index index, Term term, std::uint64_t chain) {
  entries_.clear();
  snapshot_index_ = index;
  snapshot_term_ = term;
  snapshot_chain_ = chain;
}

}  // namespace simlab::raft

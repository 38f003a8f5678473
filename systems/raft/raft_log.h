// The in-memory log: a snapshot point followed by entries. Each entry also
// carries a hash chain over the log up to it, which only the observer reads
// (log matching on two nodes is then one comparison, not a scan).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "systems/raft/entry.h"

namespace simlab::raft {

class RaftLog {
 public:
  Index snapshot_index() const { return snapshot_index_; }
  Term snapshot_term() const { return snapshot_term_; }
  Index first_index() const { return snapshot_index_ + 1; }
  Index last_index() const { return snapshot_index_ + entries_.size(); }
  Term last_term() const { return entries_.empty() ? snapshot_term_ : entries_.back().entry.term; }
  // Term of the entry at `index`, or nothing if it is compacted away (other
  // than the snapshot point itself) or beyond the end.
  // Inline: the observer and the invariants ask these many times per step.
  std::optional<Term> term_at(Index index) const {
    if (index == snapshot_index_) return snapshot_term_;
    if (index < snapshot_index_ || index > last_index()) return std::nullopt;
    return entries_[index - first_index()].entry.term;
  }
  std::optional<std::uint64_t> chain_at(Index index) const {
    if (index == snapshot_index_) return snapshot_chain_;
    if (index < snapshot_index_ || index > last_index()) return std::nullopt;
    return entries_[index - first_index()].chain;
  }
  // REQUIRES: first_index() <= index <= last_index().
  const Entry& at(Index index) const;
  // Up to `count_max` entries from `from` on. REQUIRES: from >= first_index().
  std::vector<Entry> slice(Index from, std::size_t count_max) const;
  std::vector<Entry> suffix(Index from) const { return slice(from, last_index() + 1 - from); }

  // REQUIRES: entry.index == last_index() + 1.
  void append(Entry entry);
  // PLANTED BUG raft.no-truncate-on-conflict only: replaces one entry in
  // place and keeps the suffix that followed the old one.
  void overwrite_in_place(Entry entry);
  // Drops every entry after `index`. REQUIRES: index >= snapshot_index().
  void truncate_after(Index index);
  // Forgets entries up to `index` (covered by a snapshot). REQUIRES: index is
  // in the log or is the snapshot point.
  void compact_to(Index index);
  // Replaces the whole log by a snapshot point.
  void reset(Index index, Term term, std::uint64_t chain);

  // Raft §5.4.1: is a log ending at (index, term) at least as up to date?
  bool is_up_to_date(Index index, Term term) const;

 private:
  struct Slot {
    Entry entry;
    std::uint64_t chain = 0;
  };
  std::uint64_t chain_before(Index index) const;
  Index snapshot_index_ = 0;
  Term snapshot_term_ = 0;
  std::uint64_t snapshot_chain_ = 0;
  std::deque<Slot> entries_;
};

std::uint64_t chain_hash(std::uint64_t previous, const Entry& entry);

// Raft §5.4.1: a log ending at (index, term) is at least as up to date as
// one ending at (other_index, other_term): a later last term, or the same
// last term and at least as long.
inline bool at_least_as_up_to_date(Index index, Term term, Index other_index, Term other_term) {
  return term > other_term || (term == other_term && index >= other_index);
}

inline bool RaftLog::is_up_to_date(Index index, Term term) const {
  return at_least_as_up_to_date(index, term, last_index(), last_term());
}

}  // namespace simlab::raft

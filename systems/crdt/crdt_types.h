// The replicated data types of the CRDT store, as delta-state CRDTs
// (Almeida, Shoker and Baquero, "Delta State Replicated Data Types", JPDC
// 2018): every update makes a small state (a delta) that is joined into the
// replica and shipped to the others, and join is commutative, associative
// and idempotent, so deltas may be resent, reordered and merged.
//   PN-Counter    a pair of grow-only maps, actor -> increments and actor ->
//                 decrements, joined by taking each entry's maximum
//                 (Shapiro et al., "A comprehensive study of CRDTs", 2011)
//   add-wins set  elements mapped to the dots (actor, counter) of the adds
//                 that made them, with a causal context of every dot seen;
//                 a dot a replica has seen but no longer holds was removed
//                 (the paper's AWORSet; riak_dt's ORSWOT keeps the same
//                 state). The context is a version vector plus a cloud of
//                 dots beyond it, so a delta's single dot does not claim
//                 the dots below it.
//   LWW-Register  a value with the stamp of its write, a hybrid logical
//                 clock reading (Kulkarni et al., "Logical Physical Clocks",
//                 2014) and the writer's actor to break ties; join keeps the
//                 higher stamp
//   MV-Register   the values of the writes no other write has seen, each
//                 with its dot, and the causal context of every write seen
//                 (the paper's MVReg, Riak's siblings): a write replaces
//                 the values it saw, and concurrent writes are all kept.
//                 Its state is an add-wins set of values whose write delta
//                 removes every value the writer has seen, so it joins as
//                 one; the delta carries the writer's whole context, so it
//                 needs no causal delivery across writers.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "systems/common/byte_codec.h"

namespace simlab::crdt {

using ActorId = std::uint64_t;

struct Dot {
  ActorId actor = 0;
  std::uint64_t counter = 0;  // 1, 2, ... per actor
  friend auto operator<=>(const Dot&, const Dot&) = default;
};

class CausalContext {
 public:
  bool contains(const Dot& dot) const;
  void insert(const Dot& dot);
  // Each join returns whether it changed anything (a replica forwards only
  // what was news to it, or deltas would echo between replicas for ever).
  bool join(const CausalContext& other);
  // The highest counter of `actor` in the context (0: none).
  std::uint64_t max_counter(ActorId actor) const;
  // Every dot of `other` is in this context.
  bool covers(const CausalContext& other) const;
  std::uint64_t size() const;  // how many dots
  const std::map<ActorId, std::uint64_t>& compact() const { return compact_; }
  const std::set<Dot>& cloud() const { return cloud_; }
  friend bool operator==(const CausalContext&, const CausalContext&) = default;

  void write(ByteWriter& out) const;
  bool read(ByteReader& in);

 private:
  void compact_cloud();                       // moves dots that extend the version vector into it
  std::map<ActorId, std::uint64_t> compact_;  // every dot (a, 1..n) for a -> n
  std::set<Dot> cloud_;                       // dots above the vector's entries
};

class PnCounter {
 public:
  struct Entry {
    std::uint64_t increments = 0, decrements = 0;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  std::int64_t value() const;
  // The delta of `actor` adding `delta` after it had already issued `issued`
  // (its own entry, which may be ahead of this state while writes wait for
  // their fsync): the actor's whole new entry.
  static PnCounter add_delta(ActorId actor, Entry issued, std::int64_t delta);
  bool join(const PnCounter& other);
  bool covers(const PnCounter& other) const;  // every entry at least as high
  Entry entry(ActorId actor) const;
  const std::map<ActorId, Entry>& entries() const { return entries_; }
  friend bool operator==(const PnCounter&, const PnCounter&) = default;

  void write(ByteWriter& out) const;
  bool read(ByteReader& in);

 private:
  std::map<ActorId, Entry> entries_;
};

// How a set's join decides what the other side has seen and removed: the
// correct rules, or a planted bug's (systems/crdt/crdt_node.h names them).
struct SetJoinRules {
  // "Seen" needs the other context to strictly descend the dot's clock, to
  // hold a dot besides it (descends taken as strictly descends, riak_dt
  // pull request 78): a delta's remove of an element with one dot, whose
  // context is exactly that dot, removes nothing.
  bool strict_descends = false;
  // An element both sides hold keeps the union of their dots, so a dot one
  // side removed comes back from the other (riak_dt pull request 82).
  bool keep_common_dots = false;
};

class AddWinsSet {
 public:
  std::vector<std::int64_t> elements() const;  // ascending
  // The delta of adding `element` with the fresh `dot`: the dot, and in the
  // context the element's older dots it replaces.
  AddWinsSet add_delta(std::int64_t element, const Dot& dot) const;
  // The delta of removing `element`: no entry, its dots in the context.
  AddWinsSet remove_delta(std::int64_t element) const;
  // The delta of making `element`, with the fresh `dot`, the only element:
  // the dot, and in the context every dot this set has seen, held or
  // already removed. The removed ones matter where deltas of different
  // writers arrive out of causal order: a replica that has not yet heard
  // of the removal still holds the value, and this delta removes it (else
  // a write would show beside a value its writer saw it replace).
  AddWinsSet replace_delta(std::int64_t element, const Dot& dot) const;
  bool join(const AddWinsSet& other, SetJoinRules rules = {});
  bool contains(std::int64_t element) const { return entries_.contains(element); }
  const CausalContext& context() const { return context_; }
  const std::map<std::int64_t, std::set<Dot>>& entries() const { return entries_; }
  friend bool operator==(const AddWinsSet&, const AddWinsSet&) = default;

  void write(ByteWriter& out) const;
  bool read(ByteReader& in);

 private:
  void drop(const Dot& dot, std::int64_t element);
  bool join_entry(std::int64_t element, const std::set<Dot>& theirs,
                  const CausalContext& their_context, SetJoinRules rules);
  // Dots this set holds that `other` has seen, of elements `other` holds no
  // entry for: removed there. None when `other` holds every dot it has seen
  // (a join of adds): the common case costs nothing. Otherwise found
  // through the dot index.
  std::vector<std::pair<Dot, std::int64_t>> removed_by(const AddWinsSet& other,
                                                       SetJoinRules rules) const;

  std::map<std::int64_t, std::set<Dot>> entries_;  // element -> the dots that keep it
  std::map<Dot, std::int64_t> dot_index_;          // each held dot -> its element
  CausalContext context_;
};

struct Stamp {
  std::int64_t time_ns = 0;  // a hybrid logical clock's reading (or, with a bug, a wall clock's)
  ActorId actor = 0;
  friend auto operator<=>(const Stamp&, const Stamp&) = default;
};

class LwwRegister {
 public:
  LwwRegister() = default;
  LwwRegister(Stamp stamp, std::int64_t value) : stamp_(stamp), value_(value), written_(true) {}
  bool written() const { return written_; }  // false: never written, reads as nil
  std::int64_t value() const { return value_; }
  Stamp stamp() const { return stamp_; }
  bool join(const LwwRegister& other);
  friend bool operator==(const LwwRegister&, const LwwRegister&) = default;

  void write(ByteWriter& out) const;
  bool read(ByteReader& in);

 private:
  Stamp stamp_;
  std::int64_t value_ = 0;
  bool written_ = false;
};

class MvRegister {
 public:
  MvRegister() = default;  // never written: no siblings
  std::vector<std::int64_t> values() const {
    return versions_.elements();
  }  // the siblings, ascending
  // The delta of writing `value` with the fresh `dot`: it replaces every
  // sibling this register holds.
  MvRegister write_delta(std::int64_t value, const Dot& dot) const {
    return MvRegister(versions_.replace_delta(value, dot));
  }
  // The set's join, by its rules: a merge bug of the set is one here too.
  bool join(const MvRegister& other, SetJoinRules rules = {}) {
    return versions_.join(other.versions_, rules);
  }
  const AddWinsSet& versions() const { return versions_; }
  const CausalContext& context() const { return versions_.context(); }
  friend bool operator==(const MvRegister&, const MvRegister&) = default;

  void write(ByteWriter& out) const { versions_.write(out); }
  bool read(ByteReader& in) { return versions_.read(in); }

 private:
  explicit MvRegister(AddWinsSet versions) : versions_(std::move(versions)) {}
  AddWinsSet versions_;
};

// A replica's whole state, or a delta of it: per key, a counter, a set, an
// LWW register and an MV register (a request names which one it means).
struct ReplicaState {
  std::map<std::string, PnCounter> counters;
  std::map<std::string, AddWinsSet> sets;
  std::map<std::string, LwwRegister> registers;
  std::map<std::string, MvRegister> mv_registers;

  bool join(const ReplicaState& other, SetJoinRules rules = {});
  bool empty() const {
    return counters.empty() && sets.empty() && registers.empty() && mv_registers.empty();
  }
  std::int64_t latest_stamp_ns() const;  // the highest register stamp's time (0: none)
  friend bool operator==(const ReplicaState&, const ReplicaState&) = default;
};

void write_state(ByteWriter& out, const ReplicaState& state);
// Nothing when the bytes are not a whole state.
std::optional<ReplicaState> read_state(ByteReader& in);

}  // namespace simlab::crdt

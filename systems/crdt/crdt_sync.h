// The sync protocol between an offline replica and its home server, in the
// manner of Automerge's (Kleppmann et al., "Automerge sync protocol"): each
// side sums up what it holds per key, and a key whose summaries differ is
// sent whole, so two rounds with no new writes leave both sides equal. A
// key is a typed key: "c:" a counter, "s:" a set, "r:" a register, "m:" an
// MV register.
//   digest   a 64-bit FNV-1a hash of the key's whole encoded CRDT; with
//            crdt.sync-false-in-sync, of its heads alone (a set's causal
//            context, a counter's entries, a register's stamp, an MV
//            register's context): a remove
//            changes a set but not its context, so a key whose only change
//            is a remove looks in sync (Automerge issue 870: peers that
//            decide they are in sync from their heads and stop while their
//            documents differ).
// The audit trail: every merge of a synced key is logged by the replica
// that merged it, with what each side had and what the merge chose.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "systems/crdt/crdt_types.h"

namespace simlab::crdt {

using KeyDigests = std::map<std::string, std::uint64_t>;

enum class DigestRule : std::uint8_t { whole_state, heads_only };

KeyDigests key_digests(const ReplicaState& state, DigestRule rule);
// Brings `digests` (of `state`, but for the `stale` typed keys) up to date,
// and empties `stale`: a replica changes few keys between two syncs.
void refresh_digests(const ReplicaState& state, DigestRule rule, std::set<std::string>& stale,
                     KeyDigests& digests);
// Typed keys whose digests differ between the two, or that only one holds.
std::set<std::string> differing_keys(const KeyDigests& mine, const KeyDigests& theirs);
// The part of `state` under `keys` (typed keys it does not hold are skipped).
ReplicaState select_keys(const ReplicaState& state, const std::set<std::string>& keys);
// Every typed key of `state`.
std::set<std::string> typed_keys(const ReplicaState& state);
// A key's value for a person: a counter's sum, a set's elements, a
// register's value; "nothing" when the state lacks it.
std::string describe_key(const ReplicaState& state, const std::string& typed_key);

}  // namespace simlab::crdt

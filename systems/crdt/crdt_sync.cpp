#include "systems/crdt/crdt_sync.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "systems/common/byte_codec.h"

namespace simlab::crdt {
namespace {

// FNV-1a, 64 bits (Fowler, Noll and Vo): a summary, not a defence.
std::uint64_t fnv1a_64(const Bytes& bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const std::uint8_t byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

template <typename Crdt>
std::uint64_t digest_of(const Crdt& value) {
  ByteWriter writer;
  value.write(writer);
  return fnv1a_64(writer.take());
}

std::uint64_t register_heads(const LwwRegister& value) {
  ByteWriter writer;
  writer.i64(value.stamp().time_ns);
  writer.u64(value.stamp().actor);
  return fnv1a_64(writer.take());
}

}  // namespace

KeyDigests key_digests(const ReplicaState& state, DigestRule rule) {
  const bool heads = rule == DigestRule::heads_only;
  KeyDigests digests;
  for (const auto& [key, counter] : state.counters) digests["c:" + key] = digest_of(counter);
  for (const auto& [key, set] : state.sets)
    digests["s:" + key] = heads ? digest_of(set.context()) : digest_of(set);
  for (const auto& [key, value] : state.registers)
    digests["r:" + key] = heads ? register_heads(value) : digest_of(value);
  for (const auto& [key, value] : state.mv_registers)
    digests["m:" + key] = heads ? digest_of(value.versions().context()) : digest_of(value);
  return digests;
}

void refresh_digests(const ReplicaState& state, DigestRule rule, std::set<std::string>& stale,
                     KeyDigests& digests) {
  for (const std::string& typed : stale) digests.erase(typed);
  const KeyDigests fresh = key_digests(select_keys(state, stale), rule);
  digests.insert(fresh.begin(), fresh.end());
  stale.clear();
}

std::set<std::string> differing_keys(const KeyDigests& mine, const KeyDigests& theirs) {
  std::set<std::string> keys;
  for (const auto& [key, digest] : mine) {
    const auto found = theirs.find(key);
    if (found == theirs.end() || found->second != digest) keys.insert(key);
  }
  for (const auto& [key, digest] : theirs)
    if (!mine.contains(key)) keys.insert(key);
  return keys;
}

ReplicaState select_keys(const ReplicaState& state, const std::set<std::string>& keys) {
  ReplicaState part;
  for (const std::string& typed : keys) {
    const std::string key = typed.substr(2);
    if (typed.starts_with("c:")) {
      if (const auto found = state.counters.find(key); found != state.counters.end())
        part.counters.emplace(key, found->second);
    } else if (typed.starts_with("s:")) {
      if (const auto found = state.sets.find(key); found != state.sets.end())
        part.sets.emplace(key, found->second);
    } else if (typed.starts_with("m:")) {
      if (const auto found = state.mv_registers.find(key); found != state.mv_registers.end())
        part.mv_registers.emplace(key, found->second);
    } else if (const auto found = state.registers.find(key); found != state.registers.end()) {
      part.registers.emplace(key, found->second);
    }
  }
  return part;
}

std::set<std::string> typed_keys(const ReplicaState& state) {
  std::set<std::string> keys;
  for (const auto& [key, counter] : state.counters) keys.insert("c:" + key);
  for (const auto& [key, set] : state.sets) keys.insert("s:" + key);
  for (const auto& [key, value] : state.registers) keys.insert("r:" + key);
  for (const auto& [key, value] : state.mv_registers) keys.insert("m:" + key);
  return keys;
}

std::string describe_key(const ReplicaState& state, const std::string& typed_key) {
  const std::string key = typed_key.substr(2);
  if (typed_key.starts_with("c:")) {
    const auto found = state.counters.find(key);
    return found == state.counters.end() ? "nothing" : fmt::format("{}", found->second.value());
  }
  if (typed_key.starts_with("s:")) {
    const auto found = state.sets.find(key);
    return found == state.sets.end() ? "nothing" : fmt::format("{}", found->second.elements());
  }
  if (typed_key.starts_with("m:")) {
    const auto found = state.mv_registers.find(key);
    return found == state.mv_registers.end() ? "nothing"
                                             : fmt::format("{}", found->second.values());
  }
  const auto found = state.registers.find(key);
  if (found == state.registers.end() || !found->second.written()) return "nothing";
  return fmt::format("{} (stamp {}ns, actor {:x})", found->second.value(),
                     found->second.stamp().time_ns, found->second.stamp().actor);
}

}  // namespace simlab::crdt

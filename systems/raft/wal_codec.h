// The on-disk record format shared by the WAL, the hard-state slots and the
// snapshot files: [u32 length][u32 crc32c(length, payload)][payload].
// One CRC per record, covering its length too, so a flipped length is caught
// rather than trusted (etcd's WAL chains CRCs; one per record is enough here
// because records are self-delimiting and replay re-derives order by index).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/types.h"
#include "systems/raft/entry.h"

namespace simlab::raft {

inline constexpr std::size_t kRecordHeaderBytes = 8;

// The files of one node's disk.
inline constexpr const char* kMetaFile = "raft.meta";  // two hard-state slots
inline std::string snapshot_file(std::uint64_t wal_sequence) {
  return "raft.snap." + std::to_string(wal_sequence % 2);
}
inline std::string wal_segment_file(std::uint64_t wal_sequence) {
  return "raft.wal." + std::to_string(wal_sequence);
}

Bytes frame_record(ByteView payload);

struct ParsedRecord {
  ByteView payload;
  std::uint64_t end_offset = 0;
};
// The record at `offset`, or nothing if it is incomplete or fails its CRC.
std::optional<ParsedRecord> parse_record(ByteView file, std::uint64_t offset,
                                         std::size_t payload_bytes_max);

// What recovery learns from one WAL segment.
struct WalScan {
  std::vector<Entry> entries;       // valid records before the first bad one, in file order
  std::uint64_t valid_bytes = 0;    // where the first bad record (or the end) starts
  bool torn_tail = false;           // bad bytes at the end and nothing valid after them
  bool corrupt = false;             // a bad record with a valid record somewhere after it
  Index index_after_corruption_max = 0;  // highest entry index seen after the bad record
  // The bad record is the last one and complete (its length reaches exactly
  // the end of the file): a bit flip in a synced record looks like this, and
  // that record may have been acknowledged, so recovery treats it as damage.
  bool complete_tail_damaged = false;
};
WalScan scan_wal(ByteView file);

Bytes entry_record(const Entry& entry);
// The records of `entries`, concatenated (one write).
Bytes entry_records(const std::vector<Entry>& entries);

// Term and vote, stored twice (two slots) so one corrupt copy is survivable.
struct HardState {
  Term term = 0;
  NodeId vote = kNoNode;  // kNoNode: no vote in this term
  // Nonzero while the node repairs a corrupt log: it may have acknowledged
  // entries up to this index that it no longer holds, so it must not vote
  // until a leader has restored them. Durable, so a crash cannot forget it.
  Index repair_until = 0;
  // The term when the damage was found: no lost entry has a later term.
  Term repair_term = 0;
  friend bool operator==(const HardState&, const HardState&) = default;
};
Bytes hard_state_record(const HardState& state);
std::optional<HardState> parse_hard_state(ByteView file, std::uint64_t offset);
inline constexpr std::uint64_t kHardStateSlotBytes = 64;

}  // namespace simlab::raft

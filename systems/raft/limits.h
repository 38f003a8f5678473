// Every bound Raft keeps, in one place (TIGER_STYLE: put a limit on
// everything), with the relations between them checked at compile time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace simlab::raft {

// Cluster size: a voter set plus learners being caught up.
inline constexpr std::size_t kMembersMax = 9;
// Entries in one AppendEntries message (batching bound).
inline constexpr std::size_t kEntriesPerMessageMax = 64;
// AppendEntries in flight to one follower before waiting for acks
// (pipelining bound; etcd's MaxInflightMsgs).
inline constexpr std::size_t kInflightAppendsMax = 8;
// Proposals the leader accepts while its log is not yet durable.
inline constexpr std::size_t kUncommittedEntriesMax = 4096;
// ReadIndex requests waiting for a quorum round or for apply.
inline constexpr std::size_t kPendingReadsMax = 4096;
// Bytes of one client command and of one snapshot (a message carries one
// snapshot whole: no chunking).
inline constexpr std::size_t kCommandBytesMax = 64 * 1024;
inline constexpr std::size_t kSnapshotBytesMax = 16 * 1024 * 1024;
// One WAL record: an entry plus its framing.
inline constexpr std::size_t kWalRecordBytesMax = kCommandBytesMax + 64;
// Messages a node holds back until an fsync completes.
inline constexpr std::size_t kDurableOutboxMax = 16 * 1024;

static_assert(kMembersMax % 2 == 1, "an odd bound keeps quorum arithmetic obvious");
static_assert(kEntriesPerMessageMax * kInflightAppendsMax <= kUncommittedEntriesMax,
              "a full pipeline must fit in the uncommitted window");
static_assert(kWalRecordBytesMax > kCommandBytesMax);
static_assert(kSnapshotBytesMax >= kCommandBytesMax);

}  // namespace simlab::raft

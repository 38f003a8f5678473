// Small vocabulary shared by every system under test and its drivers.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace simlab {

using NodeId = std::uint32_t;
using TimerId = std::uint64_t;
using DiskOpId = std::uint64_t;
using RequestId = std::uint64_t;
using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Node ids run from 1; 0 is never a node, so systems may use it for "no
// node" (no leader known, no vote cast), as etcd's raft does.
inline constexpr NodeId kNoNode = 0;
inline constexpr NodeId kFirstNodeId = 1;

inline constexpr std::int64_t kNanosecondsPerMicrosecond = 1'000;
inline constexpr std::int64_t kNanosecondsPerMillisecond = 1'000'000;
inline constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;

// How a disk operation ended. A torn or bit-flipped write is NOT reported
// here: like a real disk, the virtual one returns whatever bytes it holds,
// and only a reader that checks (a CRC) notices.
enum class DiskStatus : std::uint8_t {
  ok,
  io_error,  // EIO: the operation failed; for a write, nothing is known
  no_space,  // ENOSPC: the write did not happen
};

const char* disk_status_name(DiskStatus status);

}  // namespace simlab

// CRC-32C (Castagnoli), as used by ext4, iSCSI and etcd's WAL. Table-driven,
// reflected polynomial 0x82F63B78; check value crc32c("123456789") = 0xE3069283.
#pragma once

#include <cstdint>
#include <optional>

#include "systems/common/types.h"

namespace simlab {

// Uses the CPU's CRC32 instruction where there is one (x86-64 SSE4.2).
std::uint32_t crc32c(ByteView bytes, std::uint32_t seed = 0);
// The table-driven computation, for machines without it (and for tests
// that check both agree).
std::uint32_t crc32c_portable(ByteView bytes, std::uint32_t seed = 0);

}  // namespace simlab

namespace simlab {

// Framing for bytes that cross a network or sit on a disk: the payload
// followed by its CRC-32C, little-endian. verify_crc32c_trailer returns the
// payload, or nothing when the bytes were damaged.
void append_crc32c(Bytes& bytes);
std::optional<ByteView> verify_crc32c_trailer(ByteView bytes);

}  // namespace simlab

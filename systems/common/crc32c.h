// CRC-32C (Castagnoli), as used by ext4, iSCSI and etcd's WAL. Table-driven,
// reflected polynomial 0x82F63B78; check value crc32c("123456789") = 0xE3069283.
#pragma once

#include <cstdint>

#include "systems/common/types.h"

namespace simlab {

std::uint32_t crc32c(ByteView bytes, std::uint32_t seed = 0);

}  // namespace simlab

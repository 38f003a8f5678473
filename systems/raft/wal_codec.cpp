#include "systems/raft/wal_codec.h"

#include "systems/common/byte_codec.h"
#include "systems/common/crc32c.h"
#include "systems/raft/limits.h"

namespace simlab::raft {
namespace {

std::uint32_t record_crc(std::uint32_t length, ByteView payload) {
  std::uint8_t length_bytes[4];
  for (int i = 0; i < 4; ++i) length_bytes[i] = static_cast<std::uint8_t>(length >> (8 * i));
  return crc32c(payload, crc32c(ByteView(length_bytes, 4)));
}

}  // namespace

Bytes frame_record(ByteView payload) {
  ByteWriter writer;
  const auto length = static_cast<std::uint32_t>(payload.size());
  writer.u32(length);
  writer.u32(record_crc(length, payload));
  writer.raw(payload);
  return writer.take();
}

std::optional<ParsedRecord> parse_record(ByteView file, std::uint64_t offset,
                                         std::size_t payload_bytes_max) {
  if (offset + kRecordHeaderBytes > file.size()) return std::nullopt;
  ByteReader header(file.subspan(offset, kRecordHeaderBytes));
  const std::uint32_t length = header.u32();
  const std::uint32_t crc = header.u32();
  if (length == 0 || length > payload_bytes_max) return std::nullopt;
  if (offset + kRecordHeaderBytes + length > file.size()) return std::nullopt;
  const ByteView payload = file.subspan(offset + kRecordHeaderBytes, length);
  if (record_crc(length, payload) != crc) return std::nullopt;
  return ParsedRecord{payload, offset + kRecordHeaderBytes + length};
}

Bytes entry_record(const Entry& entry) {
  ByteWriter writer;
  encode_entry(writer, entry);
  return frame_record(writer.bytes());
}

Bytes entry_records(const std::vector<Entry>& entries) {
  Bytes bytes;
  for (const Entry& entry : entries) {
    const Bytes record = entry_record(entry);
    bytes.insert(bytes.end(), record.begin(), record.end());
  }
  return bytes;
}

namespace {

std::optional<Entry> parse_entry(ByteView payload) {
  ByteReader reader(payload);
  Entry entry = decode_entry(reader);
  if (!reader.ok() || !reader.at_end() || entry.index == 0) return std::nullopt;
  return entry;
}

}  // namespace

// A bad record is a torn tail only if nothing valid follows it; otherwise it
// is corruption inside the log (Alagappan et al., "Protocol-Aware Recovery
// for Consensus-Based Storage", FAST 2018: the two must be told apart, since
// truncating at a mid-log corruption silently drops acknowledged entries).
WalScan scan_wal(ByteView file) {
  WalScan scan;
  std::uint64_t offset = 0;
  while (offset < file.size()) {
    auto record = parse_record(file, offset, kWalRecordBytesMax);
    if (!record) break;
    auto entry = parse_entry(record->payload);
    if (!entry) break;
    scan.entries.push_back(std::move(*entry));
    offset = record->end_offset;
  }
  scan.valid_bytes = offset;
  if (offset == file.size()) return scan;
  for (std::uint64_t probe = offset + 1; probe + kRecordHeaderBytes <= file.size(); ++probe) {
    auto record = parse_record(file, probe, kWalRecordBytesMax);
    if (!record) continue;
    auto entry = parse_entry(record->payload);
    if (!entry) continue;
    scan.corrupt = true;
    scan.index_after_corruption_max = std::max(scan.index_after_corruption_max, entry->index);
    probe = record->end_offset - 1;
  }
  scan.torn_tail = !scan.corrupt;
  if (scan.torn_tail && offset + kRecordHeaderBytes <= file.size()) {
    ByteReader header(file.subspan(offset, kRecordHeaderBytes));
    scan.complete_tail_damaged = offset + kRecordHeaderBytes + header.u32() == file.size();
  }
  return scan;
}

Bytes hard_state_record(const HardState& state) {
  ByteWriter writer;
  writer.u64(state.term);
  writer.u32(state.vote);
  writer.u64(state.repair_until);
  writer.u64(state.repair_term);
  return frame_record(writer.bytes());
}

std::optional<HardState> parse_hard_state(ByteView file, std::uint64_t offset) {
  auto record = parse_record(file, offset, kHardStateSlotBytes);
  if (!record) return std::nullopt;
  ByteReader reader(record->payload);
  HardState state;
  state.term = reader.u64();
  state.vote = reader.u32();
  state.repair_until = reader.u64();
  state.repair_term = reader.u64();
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return state;
}

}  // namespace simlab::raft

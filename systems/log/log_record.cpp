#include "systems/log/log_record.h"

#include "systems/common/crc32c.h"

namespace simlab::commitlog {
namespace {

constexpr std::size_t kFrameHeaderBytes = 8;
constexpr std::size_t kRecordBytes = 1 + 6 * 8;

}  // namespace

bool is_marker(RecordKind kind) {
  return kind == RecordKind::commit_marker || kind == RecordKind::abort_marker;
}

void write_record(ByteWriter& out, const Record& record) {
  out.u8(static_cast<std::uint8_t>(record.kind));
  out.i64(record.offset);
  out.i64(record.leader_epoch);
  out.u64(record.producer_id);
  out.i64(record.producer_epoch);
  out.i64(record.sequence);
  out.i64(record.value);
}

Record read_record(ByteReader& in) {
  Record record;
  const std::uint8_t kind = in.u8();
  // An unknown kind reads as data; the frame's CRC already vouched for it.
  record.kind = kind <= static_cast<std::uint8_t>(RecordKind::abort_marker)
                    ? static_cast<RecordKind>(kind)
                    : RecordKind::data;
  record.offset = in.i64();
  record.leader_epoch = in.i64();
  record.producer_id = in.u64();
  record.producer_epoch = in.i64();
  record.sequence = in.i64();
  record.value = in.i64();
  return record;
}

Bytes encode_frame(const Record& record) {
  ByteWriter body;
  write_record(body, record);
  ByteWriter frame;
  frame.u32(static_cast<std::uint32_t>(body.size()));
  frame.u32(crc32c(body.bytes()));
  frame.raw(body.bytes());
  return frame.take();
}

SegmentScan scan_segment(ByteView bytes) {
  SegmentScan scan;
  std::size_t position = 0;
  while (bytes.size() - position >= kFrameHeaderBytes) {
    ByteReader header(bytes.subspan(position, kFrameHeaderBytes));
    const std::uint32_t length = header.u32();
    const std::uint32_t crc = header.u32();
    if (length != kRecordBytes || bytes.size() - position - kFrameHeaderBytes < length) break;
    const ByteView body = bytes.subspan(position + kFrameHeaderBytes, length);
    if (crc32c(body) != crc) break;
    ByteReader in(body);
    const Record record = read_record(in);
    const Offset expected = scan.records.empty() ? 0 : scan.records.back().offset + 1;
    if (record.offset != expected) break;
    scan.records.push_back(record);
    position += kFrameHeaderBytes + length;
  }
  scan.valid_bytes = position;
  // Frames have one size: look for a whole, checksummed frame after the bad
  // one (a torn tail has none).
  const std::size_t frame = kFrameHeaderBytes + kRecordBytes;
  for (std::size_t later = position + frame; later + frame <= bytes.size(); later += frame) {
    ByteReader header(bytes.subspan(later, kFrameHeaderBytes));
    const std::uint32_t length = header.u32();
    const std::uint32_t crc = header.u32();
    if (length == kRecordBytes && crc32c(bytes.subspan(later + kFrameHeaderBytes, length)) == crc) {
      scan.damaged_inside = true;
      break;
    }
  }
  return scan;
}

}  // namespace simlab::commitlog

#include "systems/log/log_record.h"

#include <algorithm>

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

void append_frame(Bytes& out, const Record& record) {
  // The body is encoded in place after a header left blank, then the
  // header is filled in: no buffer of its own per frame.
  const std::size_t header_at = out.size();
  out.resize(header_at + kFrameHeaderBytes);
  ByteWriter body(std::move(out));
  write_record(body, record);
  out = body.take();
  const ByteView written = ByteView(out).subspan(header_at + kFrameHeaderBytes);
  const std::uint32_t header[2] = {static_cast<std::uint32_t>(written.size()), crc32c(written)};
  for (std::size_t i = 0; i < kFrameHeaderBytes; ++i)
    out[header_at + i] = static_cast<std::uint8_t>(header[i / 4] >> (8 * (i % 4)));
}

Bytes encode_frame(const Record& record) {
  Bytes frame;
  frame.reserve(kFrameHeaderBytes + kRecordBytes);
  append_frame(frame, record);
  return frame;
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
  // What a crash can leave of unsynced appends: a frame cut short (a torn
  // tail), or, where it dropped one and kept later ones (the disk keeps any
  // subset of unsynced writes), a frame never written, all zeros. Either way
  // everything from there on was unsynced, so never committed: a tail to
  // cut. A whole frame's bytes, written, that do not check out are damage
  // (a bit flip cannot zero a header: a frame's length is nonzero). A real
  // disk may also tear a frame that spans two sectors; that too is taken
  // as damage, which only costs availability.
  const ByteView rest = bytes.subspan(position);
  const std::size_t frame = kFrameHeaderBytes + kRecordBytes;
  if (rest.size() < frame) return scan;
  const bool unwritten = std::all_of(rest.begin(), rest.begin() + kFrameHeaderBytes,
                                     [](std::uint8_t byte) { return byte == 0; });
  scan.damaged_inside = !unwritten;
  return scan;
}

}  // namespace simlab::commitlog

// One record of a partition's log, and its frame in a segment file: a
// record batch of one record with its own CRC (Kafka's v2 batch keeps a
// CRC-32C over the batch the same way), so recovery can tell a torn tail
// from a whole record.
#pragma once

#include <cstdint>
#include <vector>

#include "systems/common/byte_codec.h"
#include "systems/log/log_protocol.h"

namespace simlab::commitlog {

// A data record is a produced value; a transaction's data waits for its
// marker, a control record that commits or aborts everything the producer
// wrote in the transaction on this partition (Kafka's control batches).
enum class RecordKind : std::uint8_t { data = 0, txn_data, commit_marker, abort_marker };
bool is_marker(RecordKind kind);

struct Record {
  Offset offset = 0;
  Epoch leader_epoch = 0;  // the epoch of the leader that appended it
  std::uint64_t producer_id = 0;
  Epoch producer_epoch = 0;
  std::int64_t sequence = 0;  // data only
  std::int64_t value = 0;     // data only; a marker's: the producer's next epoch
  RecordKind kind = RecordKind::data;
  friend bool operator==(const Record&, const Record&) = default;
};

void write_record(ByteWriter& out, const Record& record);
Record read_record(ByteReader& in);

// A segment frame: [length u32][crc32c u32][record], little-endian.
Bytes encode_frame(const Record& record);
// The same frame, added to the end of `out` (a run of frames in one write).
void append_frame(Bytes& out, const Record& record);

struct SegmentScan {
  std::vector<Record> records;              // the whole frames, in order
  std::uint64_t valid_bytes = 0;            // where the first bad or partial frame starts
  // The first bad frame is whole and was written (not all zeros): damage to
  // what was written, not a torn or dropped unsynced append.
  bool damaged_inside = false;
};

// Reads frames until the end or the first frame that is short, fails its
// CRC, or does not follow its predecessor's offset.
SegmentScan scan_segment(ByteView bytes);

}  // namespace simlab::commitlog

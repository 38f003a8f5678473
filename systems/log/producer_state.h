// Idempotent producers' state on a partition (Kafka's ProducerStateManager):
// per producer id, its epoch, its last sequence and the offsets of its last
// few batches, so a retried batch is answered with where it already is
// instead of being written again. It is derived from the log alone, so a
// follower that becomes leader has it, and a truncation rebuilds it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "systems/log/log_record.h"

namespace simlab::commitlog {

// Kafka keeps the last five batches (max.in.flight.requests.per.connection).
// The table is derived from records, which do not say where a batch ended,
// so it keeps runs (a producer's records at consecutive offsets with
// consecutive sequences: one batch, or several that landed back to back)
// and covers at least the last five batches' worth of records.
inline constexpr std::size_t kDedupeWindowBatches = 5;
inline constexpr std::int64_t kDedupeWindowRecords = kDedupeWindowBatches * kBatchRecordsMax;

enum class SequenceCheck : std::uint8_t {
  append,        // the next sequence (or a new producer or epoch starting at 0)
  duplicate,     // already in the log, at `offset`
  out_of_order,  // a gap, or an old sequence outside the window
  fenced,        // an epoch older than the producer's
};

struct SequenceVerdict {
  SequenceCheck check = SequenceCheck::append;
  Offset offset = -1;
};

class ProducerTable {
 public:
  // A batch of `count` records from `sequence` on: a duplicate only if the
  // whole batch is in the log, at consecutive offsets from `offset`.
  SequenceVerdict check(std::uint64_t producer_id, Epoch epoch, std::int64_t sequence,
                        std::int64_t count) const;
  // Records an appended record (REQUIRES: check() said append for it, or
  // it is a transaction marker).
  void record(const Record& record);
  void clear() { producers_.clear(); }

 private:
  struct Run {
    std::int64_t first_sequence = 0;
    Offset first_offset = 0;
    std::int64_t count = 0;
  };
  struct Producer {
    Epoch epoch = 0;
    std::int64_t last_sequence = -1;
    std::deque<Run> recent;  // oldest first, together at least kDedupeWindowRecords long
    std::int64_t recent_records = 0;
  };
  std::map<std::uint64_t, Producer> producers_;
};

}  // namespace simlab::commitlog

#include "systems/log/producer_state.h"

namespace simlab::commitlog {

SequenceVerdict ProducerTable::check(std::uint64_t producer_id, Epoch epoch, std::int64_t sequence,
                                     std::int64_t count) const {
  const auto found = producers_.find(producer_id);
  if (found == producers_.end() || epoch > found->second.epoch) {
    // A producer the log has not seen, or a new epoch of it: it starts at 0.
    return {sequence == 0 ? SequenceCheck::append : SequenceCheck::out_of_order, -1};
  }
  const Producer& producer = found->second;
  if (epoch < producer.epoch) return {SequenceCheck::fenced, -1};
  if (sequence == producer.last_sequence + 1) return {SequenceCheck::append, -1};
  const std::int64_t last = sequence + count - 1;
  if (sequence <= producer.last_sequence - kDedupeWindowRecords)
    return {SequenceCheck::out_of_order, -1};  // older than the window
  for (const Run& run : producer.recent) {
    if (sequence >= run.first_sequence && last < run.first_sequence + run.count)
      return {SequenceCheck::duplicate, run.first_offset + (sequence - run.first_sequence)};
  }
  return {SequenceCheck::out_of_order, -1};
}

void ProducerTable::record(const Record& record) {
  Producer& producer = producers_[record.producer_id];
  if (is_marker(record.kind)) {
    // A marker carries the epoch the producer's next transaction takes
    // (its value): anything older is fenced from here on, so a late produce
    // of the ended transaction cannot open a new one (KIP-890).
    if (record.value > producer.epoch) {
      producer = Producer{};
      producer.epoch = record.value;
    }
    return;
  }
  if (record.producer_epoch > producer.epoch) {
    producer = Producer{};
    producer.epoch = record.producer_epoch;
  }
  producer.last_sequence = record.sequence;
  Run* last = producer.recent.empty() ? nullptr : &producer.recent.back();
  if (last != nullptr && record.sequence == last->first_sequence + last->count &&
      record.offset == last->first_offset + last->count) {
    ++last->count;
  } else {
    producer.recent.push_back(Run{record.sequence, record.offset, 1});
  }
  ++producer.recent_records;
  while (producer.recent_records - producer.recent.front().count >= kDedupeWindowRecords) {
    producer.recent_records -= producer.recent.front().count;
    producer.recent.pop_front();
  }
}

}  // namespace simlab::commitlog

#include "systems/log/producer_state.h"

namespace simlab::commitlog {

SequenceVerdict ProducerTable::check(std::uint64_t producer_id, Epoch epoch,
                                     std::int64_t sequence) const {
  const auto found = producers_.find(producer_id);
  if (found == producers_.end() || epoch > found->second.epoch) {
    // A producer the log has not seen, or a new epoch of it: it starts at 0.
    return {sequence == 0 ? SequenceCheck::append : SequenceCheck::out_of_order, -1};
  }
  const Producer& producer = found->second;
  if (epoch < producer.epoch) return {SequenceCheck::fenced, -1};
  if (sequence == producer.last_sequence + 1) return {SequenceCheck::append, -1};
  for (const auto& [recent_sequence, offset] : producer.recent) {
    if (recent_sequence == sequence) return {SequenceCheck::duplicate, offset};
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
  producer.recent.emplace_back(record.sequence, record.offset);
  if (producer.recent.size() > kDedupeWindowBatches) producer.recent.pop_front();
}

}  // namespace simlab::commitlog

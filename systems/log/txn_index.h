// What a partition's log says about transactions (Kafka's producer state
// and aborted-transaction index together): which producers have a
// transaction open here (its first offset and epoch), where each producer's
// latest marker is, and which offset ranges aborted. Derived from the log
// alone, in log order, so every copy, and a copy rebuilt after truncation,
// agrees.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "systems/log/log_record.h"

namespace simlab::commitlog {

inline constexpr Offset kNoOffset = std::numeric_limits<Offset>::max();

class TxnIndex {
 public:
  struct OpenTxn {
    Offset first = 0;
    Epoch epoch = 0;
  };

  // Every record, in log order.
  void record(const Record& record);
  void clear();

  // The first offset of the earliest open transaction, or kNoOffset: a
  // read_committed consumer reads below it (the last stable offset).
  Offset first_open() const;
  std::optional<OpenTxn> open(std::uint64_t producer_id) const;
  // Where the producer's latest marker is (-1: none).
  Offset last_marker(std::uint64_t producer_id) const;
  // A txn_data record whose transaction ended in an abort marker.
  bool aborted(const Record& record) const;

 private:
  std::map<std::uint64_t, OpenTxn> open_;
  std::map<std::uint64_t, Offset> last_marker_;
  // Per producer, its aborted ranges [first, marker], in log order.
  std::map<std::uint64_t, std::vector<std::pair<Offset, Offset>>> aborted_;
};

}  // namespace simlab::commitlog

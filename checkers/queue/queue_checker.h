// Judges a Kafka-style queue history (queue_history.h) the way Jepsen's
// kafka checker does (jepsen.tests.kafka; Kingsbury, "Redpanda 21.10.1",
// 2022, defines the anomalies). Per key (partition), the log is what sends
// acknowledged and polls read, offset by offset. Anomalies, by Jepsen's names:
//   inconsistent-offsets  two values at one offset
//   duplicate             one value at two offsets (values are unique per key)
//   lost-write            an acknowledged send that no poll saw, though polls
//                         read offsets past it; or, once a final drain read
//                         its key, one acknowledged before the drain began
//   G1a                   a poll read a value whose send failed (aborted read)
//   nonmonotonic-send     a process's acknowledged sends to a key did not
//                         get increasing offsets
//   nonmonotonic-poll     a process's polls of a key went back or stood still
//                         (an assign or subscribe restarts the position)
//   poll-skip             a process's consecutive polled offsets of a key
//                         skipped offsets the log holds
//   group-skip            simlab's: the consumer group (the processes that
//                         subscribed, as Jepsen's workload puts every
//                         subscriber in one group) polled a key past offsets
//                         the log holds that no member polled: the group's
//                         at-least-once delivery broke (a member committed
//                         an offset past records it never handled). A
//                         subscribed process's own polls are not held to
//                         nonmonotonic-poll and poll-skip: a rebalance may
//                         move its partition away and back. The group reads
//                         from offset 0 (auto.offset.reset=earliest). A
//                         member's txn that committed (or may have) counts
//                         as its polls handled: exactly-once processing
//                         commits the group's offsets inside the txn.
//   G1c                   transactions (txn ops) that each polled what the
//                         next one sent, round a cycle: circular information
//                         flow (queue_cycles.h). Cycles of write order alone
//                         (G0) are counted in write_cycles, not judged:
//                         Kafka's transactions do not isolate writes.
// The final drain is simlab's (f final-poll, queue_history.h): after the
// heal, readers poll each key from offset 0 to its end. A final-poll is a
// poll in every rule above; in addition, for each key an ok final-poll
// read, every send whose ok completion precedes the first final-poll's
// invocation and that no poll or final-poll saw is a lost-write (the drain
// read the whole key after it was acknowledged and did not find it).
// Other acknowledged sends above every polled offset are `unseen`:
// reported, not an anomaly, since a history need not end with a drain
// (Jepsen's do not) and a send acknowledged during the drain may land
// after the drain passed its key's end.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "checkers/queue/queue_history.h"

namespace simlab::queue {

struct Anomaly {
  std::string name;  // one of the names above
  std::string key;
  std::vector<std::int64_t> offsets;
  std::vector<std::string> values;
  std::vector<std::int64_t> ops;  // history indices of the ops that show it
  std::string detail;             // one sentence a person can read
};

struct QueueCheckResult {
  bool valid = true;
  // The first kExamplesMax of each kind; counts has them all.
  std::vector<Anomaly> anomalies;
  std::map<std::string, std::size_t> counts;
  std::size_t keys = 0;
  std::size_t acknowledged_sends = 0;
  std::size_t polled_records = 0;
  std::size_t unseen = 0;
  std::size_t write_cycles = 0;  // G0 among transactions: reported, allowed
};

inline constexpr std::size_t kExamplesMax = 20;

QueueCheckResult check_queue(const QueueHistory& history);

}  // namespace simlab::queue

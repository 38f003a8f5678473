// Dependency cycles between a queue history's transactions, as Elle's
// analysis of Kafka histories finds them (jepsen.tests.kafka; Kingsbury &
// Alvaro, "Elle", VLDB 2020). Every ok op that sends or polls is a
// transaction. wr: T polled a value T' sent. ww: in a key's log (offsets
// from sends and polls), T' sent the record just before T's. Kafka's
// transactions do not isolate writes from one another (Jepsen, "Redpanda
// 21.10.1", 2022, on Kafka's write isolation; jepsen.tests.kafka infers ww
// edges only when asked): a cycle of ww edges alone (G0) is counted, not
// judged. A cycle of wr edges alone is circular information flow (G1c):
// each transaction read what the next one wrote, which no serial order and
// no read_committed reader can see. The cycle search is the transactional
// checker's (checkers/txn/cycle_search.h).
#pragma once

#include <cstddef>
#include <vector>

#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_history.h"

namespace simlab::queue {

struct TxnCycles {
  std::vector<Anomaly> g1c;      // each a wr cycle, its ops in cycle order
  std::size_t write_cycles = 0;  // G0 cycles found (one per component at most)
};

TxnCycles find_txn_cycles(const QueueHistory& history);

}  // namespace simlab::queue

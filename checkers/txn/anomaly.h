// One anomaly found in a transactional history: a dependency cycle of a named
// class (Adya's G0, G1c, G-single, G2-item; Elle's G-nonadjacent and the
// -process / -realtime variants), or a non-cycle anomaly such as G1a.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace simlab::txn {

struct Anomaly {
  std::string type;  // "G1a", "G-single-realtime", "lost-update", ...
  // Cycles: txns[i] -> txns[(i + 1) % n] along the graph edge slots[i].
  // Others: the transactions involved, the observer first.
  std::vector<std::uint32_t> txns;
  std::vector<std::uint32_t> slots;
  std::string detail;  // non-cycle anomalies: what was observed, in words
};

// How reports name a transaction: T1 is the first one invoked.
inline std::string txn_label(std::uint32_t txn) { return "T" + std::to_string(txn + 1); }

}  // namespace simlab::txn

// A key's (partition's) log as a person reads it: a lane of cells, one per
// offset from 0 to the highest offset any send or poll saw, each with the
// values put there, the ops that wrote (acknowledged sends) and read (ok
// polls and final-polls) it, and the anomalies that mark it. The run page
// draws each lane as a row of offset cells (reports/assets/run_page.js).
//
// Lanes are drawn for the keys the checker's anomalies name, in the order
// it first names them, at most LaneLimits::keys_max of them; a lane longer
// than offsets_max shows a window of it around its first anomaly. Marks:
//   inconsistent-offsets, duplicate   from the lane itself, every one: a
//                                     cell with two values; a value in two
//                                     cells (the checker's own definitions)
//   every other anomaly               from the checker's examples (the first
//                                     kExamplesMax of each kind), at each
//                                     offset the example names; one that
//                                     names no offset (a lost send whose
//                                     offset no one learned) is `unplaced`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_history.h"

namespace simlab::queue {

struct LaneLimits {
  std::size_t keys_max = 4;         // lanes drawn
  std::int64_t offsets_max = 64;    // cells per lane
  std::int64_t offsets_before = 8;  // cells shown before a long lane's first anomaly
  std::size_t accesses_max = 6;     // writes and reads listed per cell
};

// One op's write or read of one offset.
struct LaneAccess {
  std::int64_t op = -1;  // the op's invocation's history index, as anomalies name ops
  std::int64_t process = 0;
  std::string value;
  bool final_poll = false;  // a read by the final drain
};

struct LaneCell {
  std::int64_t offset = 0;
  std::vector<std::string> values;  // distinct, in the order first seen
  std::vector<LaneAccess> writes;   // the first accesses_max, in history order
  std::vector<LaneAccess> reads;
  std::size_t accesses_left_out = 0;  // writes and reads beyond the limit
  std::vector<std::string> marks;     // anomaly names, sorted
};

struct Lane {
  std::string key;
  std::int64_t end = 0;   // one past the highest offset seen
  std::int64_t from = 0;  // the cells shown: [from, to)
  std::int64_t to = 0;
  std::vector<LaneCell> cells;                // one per offset in [from, to), gaps included
  std::map<std::string, std::size_t> marked;  // anomaly -> marked cells in the whole lane
  std::size_t marked_outside = 0;             // marked cells outside [from, to)
  std::vector<Anomaly> unplaced;              // examples that name no offset
  bool cut() const { return from > 0 || to < end; }
};

struct Lanes {
  std::vector<Lane> lanes;
  std::size_t keys_left_out = 0;  // keys the anomalies name beyond keys_max
};

Lanes lanes_of(const QueueHistory& history, const QueueCheckResult& result,
               const LaneLimits& limits = {});

}  // namespace simlab::queue

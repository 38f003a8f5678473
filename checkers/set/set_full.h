// Judges a grow-only set's history the way Jepsen's set-full checker does
// (jepsen.checker/set-full; its names): ops f "add" of one element and f
// "read" of every element (a list, or an EDN set #{...}), per key when ops
// carry one. For each element added:
//   known        the first moment it certainly existed: its add's ok
//                completion, or the completion of the first read that saw it
//   stable       some read that began after it was known saw it, and every
//                read that began after the latest read missing it saw it too
//   lost         it was known, and of the reads that began after that, the
//                latest to begin missed it and began after every one that saw
//                it: it was there (or acknowledged) and then went away (or,
//                for an eventually consistent store, a final read missed it:
//                LossRule below)
//   never-read   no read began after it was known (or it never was: an add
//                whose outcome is unknown and that no read saw)
// Removes (f "remove" of one element; not in Jepsen's set-full, which only
// grows): an element with a remove that did not fail is judged by its last
// op, when every add and remove of it is ok and by one process (a session,
// whose remove follows its own adds at its replica):
//   removed      the last op is a remove, and no read that can judge it (a
//                final read begun after the remove, or under latest_read the
//                latest-begun read) holds it
//   resurrected  such a read holds it: the remove was undone
//   a re-add     the last op is an add: judged as above, known from that
//                add's acknowledgement
//   unjudged     an op of unknown outcome, or ops from several processes
// A stable element that some read (begun after it was known) missed was
// read stale; that is allowed unless `linearizable` is set. Besides the
// outcomes, a read holding one element twice (duplicated) and a read of an
// element nobody added (unexpected) are anomalies.
// Valid when nothing is lost, resurrected, duplicated or unexpected (and,
// when linearizable, nothing is stale); unknown when no element could be
// judged (none stable, removed, lost or resurrected).
// Latencies (op times): an element's stable latency is from when it was
// known to when the latest read (begun after that) missing it began, 0 when
// none did: how long after its acknowledgement it took to be visible for
// good (Jepsen's stable-latency). A lost element's latency is from when it
// was last seen (or known) to when the read that missed it began.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkers/history/op.h"
#include "checkers/history/op_error.h"
#include "checkers/linearizability/verdict.h"

namespace simlab::set_full {

using linearizability::Verdict;  // one verdict type for every checker

// Which reads can show an element lost.
//   latest_read   Jepsen's rule above: the latest-begun read after it was known
//   final_reads   only a final read (Op::final_read: after the heal, once the
//                 replicas agree) that began after it was known and misses it:
//                 an eventually consistent store's reads may lag until it has
//                 converged, so a read during the run missing an element is
//                 only stale. With no final reads, nothing is lost.
//   automatic     final_reads when the history marks any final read of the
//                 key, else latest_read (Jepsen's histories mark none;
//                 Maelstrom's and simlab's eventually consistent ones do).
enum class LossRule : std::uint8_t { automatic, latest_read, final_reads };

struct SetFullOptions {
  bool linearizable = false;  // Jepsen's :linearizable?: a stale read is invalid
  LossRule loss_rule = LossRule::automatic;
};

// One element that an anomaly names, with the ops that show it (history
// positions, -1 where there is none).
struct ElementFinding {
  std::optional<history::Value> key;
  history::Value element;
  std::int64_t add = -1;           // the add's invocation
  std::int64_t acknowledged = -1;  // the add's ok completion
  std::int64_t known = -1;         // the op that made it known (add ok or read ok)
  std::int64_t last_present =
      -1;  // the latest read (ok completion) that began after known and saw it
  std::int64_t last_absent =
      -1;  // the latest read (ok completion) that began after known and missed it
  std::int64_t latency_ns =
      0;  // stable: known to last absent; lost: last present (or known) to last absent
  std::int64_t remove = -1;   // resurrected: the last remove's invocation
  std::int64_t removed = -1;  // and its ok completion
  std::vector<std::int64_t> writes;  // resurrected: every add and remove's invocation, in order
};

// A read that held an element twice, or one nobody added.
struct ReadFinding {
  std::optional<history::Value> key;
  history::Value element;
  std::int64_t read = -1;  // the read's ok completion
};

struct LatencyQuantiles {
  std::int64_t min_ns = 0, median_ns = 0, p95_ns = 0, p99_ns = 0, max_ns = 0;
};

struct SetFullResult {
  Verdict verdict = Verdict::unknown;
  std::size_t keys = 0;
  std::size_t attempted = 0;     // elements some add invoked
  std::size_t acknowledged = 0;  // of those, with an ok add
  std::size_t reads = 0;         // ok reads
  std::size_t stable = 0, lost = 0, never_read = 0, stale = 0, duplicated = 0, unexpected = 0;
  std::size_t removed = 0, resurrected = 0, unjudged = 0;  // elements with removes
  // At most kExamplesMax of each, the earliest known first; the counts have them all.
  std::vector<ElementFinding> lost_examples, stale_examples, never_read_examples,
      resurrected_examples;
  std::vector<ReadFinding> duplicated_examples, unexpected_examples;
  std::optional<LatencyQuantiles> stable_latency, lost_latency;
};

inline constexpr std::size_t kExamplesMax = 20;

// The history must have passed HistoryBuilder's checks. Throws
// history::OpError for an op that is not an add, remove or read of this shape.
SetFullResult check_set_full(const history::History& history, const SetFullOptions& options = {});

}  // namespace simlab::set_full

// Judges causal consistency of read/write registers, by the bad patterns of
// Bouajjani, Enea, Guerraoui and Hamza ("On Verifying Causal Consistency",
// POPL 2017), which make the check polynomial for differentiated histories:
// every value is written at most once per key (a workload writes unique
// values; a history that repeats one is refused, naming the op).
// Ops: f "write" of a value and f "read" returning a value or nil (the
// initial value), per key when ops carry one; or, for a multi-value
// register, a read returning the list of its siblings' values ([] before
// any write), each from its own write. Ok reads and writes, and
// writes of unknown outcome (info: they may have happened), take part;
// failed ops do not. The causal order co is the transitive closure of each
// process's session order and reads-from (a write before every read that
// returned its value). The bad patterns, each an anomaly:
//   cyclic-co           co has a cycle: named at each process's first read
//                       that waits for a write on it (or after it)
//   thin-air-read       a read returned a value no write wrote
//   write-co-init-read  a read returned the initial value, yet a write of
//                       its key is causally before it
//   write-co-read       a read returned w1's value, yet a write w2 of the
//                       same key has w1 causally before it and is causally
//                       before the read: w2 overwrote w1 in the read's past
// Causal consistency is the four session guarantees together (Terry et
// al., "Session Guarantees for Weakly Consistent Replicated Data", 1994;
// Brzezinski, Sobaniec and Wawrzyniak, 2004), so each write-co-read or
// write-co-init-read is also named for the one it breaks, by how w2 came
// into the read's past:
//   read-your-writes     the reader wrote w2
//   monotonic-writes     the reader saw a later write of w2's writer
//   writes-follow-reads  a process read w2, then wrote what the reader saw
//   monotonic-reads      otherwise: through the reader's own earlier reads
// `session` judges what a client that sticks to one replica gets from a
// store that ships each replica's own writes in order (HLC-stamped LWW, a
// per-key order that respects causality), from what the reader saw itself
// rather than through others: a write-co-read or write-co-init-read is
// reported when w2 is the reader's own write (read-your-writes), at or
// before the write an earlier read of the same key returned
// (monotonic-reads), or before a later write of its writer's that the
// reader read (monotonic-writes). What only reaches the reader through a
// third party (writes follow reads, and the transitive forms) asks the
// store to deliver causally, and shows under `causal`.
// `ccv` judges causal convergence (Bouajjani et al.'s CCv: causal
// consistency plus one arbitration order of the writes that every replica
// agrees on, as an LWW store with causally ordered stamps gives): besides
// the patterns above, their CyclicCF. A read that returned w2 while a write
// w1 of its key was causally before it puts w1 before w2 in the
// arbitration order (w1 cf w2); when cf and co together have a cycle, no
// order agrees with every read:
//   cyclic-cf           named at a read whose cf edge is on the cycle, with
//                       the other reads that close it
// A multi-value read returns the writes that are maximal in its causal
// past (Shapiro et al.'s MV-Register; Riak's siblings), so besides the
// patterns above, a sibling overwritten in the read's past is a
// write-co-read (one sibling causally before another, too), and a write
// in its past that it does not return must be causally before one of its
// siblings: before the only one, when there is one, which is an edge of
// co the history did not show. When those edges and co have a cycle:
//   cyclic-hidden-write  named at a read whose edge is on the cycle
// (With several siblings, which one hides the write is not known, and no
// edge is drawn: the check stays polynomial and reports only what must be.)
// Under `session`, a multi-value write overwrote a sibling only when its
// writer saw that sibling itself (wrote or read it before), and a reader
// saw a write only when it wrote or read it: a write replaces what its
// replica held, which a third party's chain need not have reached.
// (For differentiated histories these five patterns are exactly CCv's
// violations; CC's WriteHBInitRead and CyclicHB, which need a per-read
// happens-before, are not checked.)
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkers/history/op.h"
#include "checkers/history/op_error.h"
#include "checkers/linearizability/verdict.h"

namespace simlab::causal {

using linearizability::Verdict;

enum class Scope : std::uint8_t { causal, session, ccv };

struct CausalAnomaly {
  std::string name;     // a bad pattern's, or a session guarantee's under Scope::session
  std::string session;  // the session guarantee it breaks ("" for thin air and cycles)
  std::optional<history::Value> key;
  std::int64_t read = -1;       // the read's ok completion (history position)
  std::int64_t read_from = -1;  // the invocation of the write it returned (-1: none)
  // The invocation of w2 (write-co-read, write-co-init-read), or of the
  // write in the read's past that it passed over (cyclic-cf).
  std::int64_t overwrite = -1;
  std::vector<std::int64_t> cycle_reads;  // cyclic-cf: the other reads' ok completions
  std::string detail;                     // one line for a person
};

struct CausalResult {
  Verdict verdict = Verdict::unknown;
  std::size_t reads = 0, writes = 0, processes = 0;
  std::map<std::string, std::size_t> counts;  // anomaly name -> how many
  std::vector<CausalAnomaly> anomalies;       // at most kExamplesMax, in history order of the read
};

inline constexpr std::size_t kExamplesMax = 20;
inline constexpr const char* kCausalModel = "causal";
inline constexpr const char* kSessionModel = "session";
inline constexpr const char* kCcvModel = "ccv";

// "causal", "session" or "ccv"; nothing for any other model.
std::optional<Scope> parse_causal_model(std::string_view model);
const char* causal_model_name(Scope scope);

// Valid when no anomaly is found; unknown when there is no ok read. The
// history must have passed HistoryBuilder's checks. Throws history::OpError
// for an op that is not a read or write, or a value written twice to a key.
CausalResult check_causal(const history::History& history, Scope scope = Scope::causal);

std::string explain_text(const CausalResult& result, Scope scope);
nlohmann::json explain_json(const CausalResult& result, Scope scope);

}  // namespace simlab::causal

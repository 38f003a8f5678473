// Judges convergence, the promise of an eventually consistent store
// (Shapiro, Preguiça, Baquero and Zawirski, "Conflict-free Replicated Data
// Types", 2011: replicas that have received the same updates are in the
// same state): once the faults have healed and the replicas have settled,
// every final read of a key (Op::final_read) returns the same value, on
// every replica. A key whose final reads differ has diverged: some replica
// never converged (the run judge calls it a liveness failure).
// Values compare as what they mean: a list read of a set compares as its
// elements in any order (an EDN set #{...} has no order), anything else as
// written. A final read that did not complete ok judges nothing (a replica
// that never answers is a liveness failure of its own kind).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checkers/history/op.h"
#include "checkers/linearizability/verdict.h"

namespace simlab::convergence {

using linearizability::Verdict;

// One final read: its ok completion's position, who read, and what.
struct FinalRead {
  std::int64_t read = -1;
  std::int64_t process = 0;
  std::string node;  // Op::node, "" when the history does not say
  history::Value value;
};

// A key whose final reads differ: the first final read of each distinct
// value, in history order, and how many final reads hold each.
struct Divergence {
  std::optional<history::Value> key;
  std::vector<FinalRead> reads;
  std::vector<std::size_t> holding;  // per entry of reads
};

struct ConvergenceResult {
  Verdict verdict = Verdict::unknown;
  std::size_t keys = 0;              // keys with an ok final read
  std::size_t final_reads = 0;       // ok final reads
  std::size_t diverged = 0;          // keys
  std::vector<Divergence> examples;  // at most kExamplesMax, in key order of first final read
};

inline constexpr std::size_t kExamplesMax = 20;
inline constexpr const char* kConvergenceModel = "convergence";

// Valid when every key with final reads converged; unknown when the
// history has no ok final read. The history must have passed
// HistoryBuilder's checks; any f is accepted (only final reads count).
ConvergenceResult check_convergence(const history::History& history);

// One line: the key, and what each distinct final read held (for sets,
// past the first, what it lacks and what it holds besides).
std::string describe_divergence(const Divergence& divergence);
std::string explain_text(const ConvergenceResult& result);
nlohmann::json explain_json(const ConvergenceResult& result);

}  // namespace simlab::convergence

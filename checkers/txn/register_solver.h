// The exact check for read-write register histories whose version orders
// inference leaves open. Like Cobra (Tan et al., OSDI 2020) and PolySI
// (Huang et al., VLDB 2023), which hand the open choices of a polygraph to a
// SAT solver, we state the model's definition directly as integer
// difference constraints and ask Z3 for a witness:
//   serializable: a position p(T) per transaction; each read of k = v by T
//     has v's writer W before T, and every other writer of k either before
//     W or after T (nil: every writer of k after T).
//   strict serializable: additionally p(A) < p(B) when A completed before B
//     was invoked.
//   snapshot isolation: a start s(T) < commit c(T); each read sees the last
//     commit before s(T), and two writers of a key never overlap (first
//     committer wins), after Adya's start-ordered serialization graph.
// Ties between positions never matter (all constraints are strict), so no
// distinctness constraint is needed. Unsat cores name the reads and orders
// that cannot all hold.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/txn/txn_history.h"

namespace simlab::txn {

enum class SolverModel { serializable, strict_serializable, snapshot_isolation };

struct SolverResult {
  enum class Outcome { satisfiable, unsatisfiable, unknown };
  Outcome outcome = Outcome::unknown;
  std::vector<std::uint32_t> serial_order;  // satisfiable: txns in a witness order
  bool by_replay = false;  // satisfiable without Z3: completion order replays every read
  std::vector<std::uint32_t> core_txns;  // unsatisfiable: transactions in the core
  std::vector<std::string> core_facts;   // unsatisfiable: the facts in the core, in words
  std::string reason;                    // unknown: why (usually the time budget)
  double elapsed_s = 0;
  std::size_t constraints = 0;
};

// REQUIRES: history.model == DataModel::rw_register.
SolverResult solve_register_order(const TxnHistory& history, SolverModel model, double budget_s);

}  // namespace simlab::txn

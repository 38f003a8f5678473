// What the register solver's constraints are made of: which transactions
// may have committed, each key's final writers, and each committed
// transaction's external reads (reads of versions it did not write itself).
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "checkers/txn/txn_history.h"

namespace simlab::txn {

struct ExternalRead {
  std::uint32_t reader;
  std::uint32_t key;
  std::int64_t value;  // kNilValue: the initial state
};

struct RegisterFacts {
  std::vector<bool> included;  // committed, or :info and read by someone
  std::map<std::uint32_t, std::vector<std::uint32_t>> writers;  // key -> included final writers
  std::map<std::pair<std::uint32_t, std::int64_t>, std::uint32_t> writer_of;
  std::vector<ExternalRead> reads;
};

// An :info transaction counts only if someone read its write; if nobody
// did, assuming it aborted is always at least as easy to satisfy.
RegisterFacts gather_register_facts(const TxnHistory& history);

}  // namespace simlab::txn

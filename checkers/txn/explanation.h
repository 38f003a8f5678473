// Explanations a person can follow: for each cycle its transactions and why
// each edge exists ("T2 read T1's append of 3 to key 7", "T1 completed
// before T2 began"), as text and as JSON.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "checkers/txn/txn_checker.h"

namespace simlab::txn {

// One edge of a cycle, in words.
std::string explain_edge(const TxnHistory& history, const DependencyGraph& graph,
                         std::uint32_t slot);

// A transaction as the history wrote it: [[append 7 3] [r 8 [1 2]]].
std::string txn_text(const TxnHistory& history, std::uint32_t txn);

// At most `per_type` anomalies of each type are spelled out; the rest are
// counted.
std::string explain_text(const TxnHistory& history, const TxnCheckResult& result,
                         std::size_t per_type = 5);
nlohmann::json explain_json(const TxnHistory& history, const TxnCheckResult& result,
                            std::size_t per_type = 100);

}  // namespace simlab::txn

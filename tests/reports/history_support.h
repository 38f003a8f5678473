// Hand-built histories for the report tests.
#pragma once

#include <cstdint>
#include <string>

#include "checkers/history/op.h"

namespace simlab::reports::testing {

// Appends one op; `index` is its position.
void add_op(history::History& history, std::int64_t time, std::int64_t process,
            history::OpType type, const std::string& f, history::Value value);

// `ops` register reads and writes over `processes` processes, each op 1 ms,
// every `info_every`-th op (0: none) an info, every `fail_every`-th a fail.
history::History synthetic_history(std::int64_t ops, std::int64_t processes,
                                   std::int64_t info_every = 0, std::int64_t fail_every = 0);

}  // namespace simlab::reports::testing

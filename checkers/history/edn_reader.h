// Reads a Jepsen EDN history: either one vector of op maps or one op map per
// line ({:process 0, :type :invoke, :f :read, :key "x", :value nil}). Ops of
// a non-integer process (Jepsen's :nemesis) are not client ops and are
// skipped. Keys other than :index :time :process :type :f :key :value are
// ignored (Jepsen adds :error and others).
#pragma once

#include <string>
#include <string_view>

#include "checkers/history/op.h"

namespace simlab::history {

// Throws ParseError "FILE:LINE: what was expected" on malformed input.
History read_edn(std::string_view text, const std::string& file_name);

}  // namespace simlab::history

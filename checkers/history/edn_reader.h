// Reads a Jepsen EDN history: one vector or list of op maps, or one op map
// per line ({:process 0, :type :invoke, :f :read, :key "x", :value nil}).
// An op map may be a record literal (#jepsen.history.Op{...}). Ops of a
// keyword process (Jepsen's :nemesis) are not client ops and are skipped; a
// process that is neither an integer nor a keyword is malformed. Keys other
// than :index :time :process :type :f :key :value are ignored (Jepsen adds
// :error and others, which may nest maps).
#pragma once

#include <string>
#include <string_view>

#include "checkers/history/op.h"

namespace simlab::history {

// Throws ParseError "FILE:LINE: what was expected" on malformed input.
History read_edn(std::string_view text, const std::string& file_name);

}  // namespace simlab::history

// Reads a JSONL history, one op per line:
//   {"index":3,"time":1500,"process":2,"type":"ok","f":"cas","key":"x","value":[1,2]}
// "process", "type" and "f" are required; "time" defaults to the position,
// "key" to none and "value" to null. "index" is renumbered densely. Blank
// lines are skipped.
#pragma once

#include <string>
#include <string_view>

#include "checkers/history/op.h"

namespace simlab::history {

// Throws ParseError "FILE:LINE: what was expected" on malformed input.
History read_jsonl(std::string_view text, const std::string& file_name);

}  // namespace simlab::history

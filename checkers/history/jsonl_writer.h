// Writes a history as JSONL, the form read_jsonl reads back unchanged.
#pragma once

#include <ostream>
#include <string>

#include "checkers/history/op.h"

namespace simlab::history {

std::string op_to_jsonl(const Op& op);  // one line, without the newline
void write_jsonl(const History& history, std::ostream& out);

}  // namespace simlab::history

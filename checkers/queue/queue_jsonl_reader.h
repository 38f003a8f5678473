// A JSONL queue history read straight into a QueueHistory with simdjson's
// DOM parser, one line at a time, the parser's buffers reused: no Value tree
// per op and no history::History of the whole file (queue_compiler.h), which
// is what makes a million-message history fast to check and small in memory.
// It accepts exactly the files history::read_jsonl and compile_queue_history
// accept together, and gives up (nullopt) on anything else, so the caller
// reads that file again the general way, whose messages name the line and
// what was expected. One reader, one set of error messages.
#pragma once

#include <optional>
#include <string>

#include "checkers/queue/queue_history.h"

namespace simlab::queue {

// `text` gains simdjson's padding past its end (its capacity grows; its
// contents stay as they were).
std::optional<QueueHistory> read_queue_jsonl(std::string& text);

}  // namespace simlab::queue

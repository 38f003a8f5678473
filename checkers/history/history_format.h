// The history file formats and how to tell them apart.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checkers/history/op.h"

namespace simlab::history {

enum class Format { jsonl, edn, jepsen_log };

std::optional<Format> parse_format(std::string_view name);  // "jsonl", "edn", "jepsen-log"
std::string_view format_name(Format format);

// By content first (a JSON object starts {" ; EDN starts with a map {:, a
// vector [, a list (, a tag or discard #, or a ; comment;
// a Jepsen log line holds "jepsen.util - "), then by the file's extension
// (.jsonl/.json, .edn, .log); JSONL when neither tells.
Format detect_format(std::string_view text, std::string_view path);

History read_history(std::string_view text, Format format, const std::string& file_name);

// Reads a whole file. Throws std::system_error when it cannot be read and
// ParseError when its content is malformed.
std::string read_file(const std::string& path);

}  // namespace simlab::history

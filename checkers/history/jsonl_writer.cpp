#include "checkers/history/jsonl_writer.h"

#include <nlohmann/json.hpp>

#include "checkers/history/op_type.h"
#include "checkers/history/value_format.h"

namespace simlab::history {

std::string op_to_jsonl(const Op& op) {
  // Built by hand rather than through a json object so the fields keep the
  // documented order (nlohmann sorts keys) and a million ops write quickly.
  std::string line = "{\"index\":" + std::to_string(op.index) + ",\"time\":" + std::to_string(op.time) +
                     ",\"process\":" + std::to_string(op.process) + ",\"type\":\"" +
                     std::string(op_type_name(op.type)) + "\",\"f\":" + dump_json(op.f);
  if (op.key) line += ",\"key\":" + dump_json(value_to_json(*op.key));
  line += ",\"value\":" + dump_json(value_to_json(op.value));
  if (op.final_read) line += ",\"final\":true";
  if (!op.node.empty()) line += ",\"node\":" + dump_json(op.node);
  if (!op.error.empty()) line += ",\"error\":" + dump_json(op.error);
  line += "}";
  return line;
}

void write_jsonl(const History& history, std::ostream& out) {
  for (const Op& op : history) out << op_to_jsonl(op) << '\n';
}

}  // namespace simlab::history

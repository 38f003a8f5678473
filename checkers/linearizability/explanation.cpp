#include "checkers/linearizability/explanation.h"

#include <nlohmann/json.hpp>

#include "checkers/history/op_type.h"
#include "checkers/history/value_format.h"

namespace simlab::linearizability {

using history::OpType;

ExplainedOp explain_op(const history::History& history, std::int64_t invoke_index, std::int64_t completion_index) {
  const history::Op& invocation = history[static_cast<std::size_t>(invoke_index)];
  ExplainedOp op{invoke_index, completion_index, invocation.process, invocation.f, invocation.value, std::nullopt, "pending"};
  if (completion_index >= 0) {
    const history::Op& completion = history[static_cast<std::size_t>(completion_index)];
    op.outcome = std::string(history::op_type_name(completion.type));
    if (completion.type == OpType::ok) op.result = completion.value;
  }
  return op;
}

std::string describe_op(const ExplainedOp& op) {
  std::string text = "#" + std::to_string(op.invoke_index) + " process " + std::to_string(op.process) + " " + op.f;
  if (!op.value.is_nil()) text += " " + history::format_value(op.value);
  text += " -> " + op.outcome;
  if (op.result && *op.result != op.value) text += " " + history::format_value(*op.result);
  return text;
}

std::string explanation_text(const Explanation& explanation, std::string_view indent) {
  const std::string pad(indent);
  std::string text;
  if (explanation.key) text += pad + "key: " + history::format_value(*explanation.key) + "\n";
  if (explanation.blocked) text += pad + "cannot place: " + describe_op(*explanation.blocked) + "\n";
  if (explanation.blocked || explanation.prefix_length > 0) {
    text += pad + "longest linearizable prefix: " + std::to_string(explanation.prefix_length) + " ops";
    text += explanation.prefix_tail.empty() ? "\n" : ", ending with:\n";
    for (const ExplainedOp& op : explanation.prefix_tail) text += pad + "  " + describe_op(op) + "\n";
  }
  if (explanation.state) text += pad + "model state after the prefix: " + *explanation.state + "\n";
  if (!explanation.concurrent.empty()) {
    text += pad + "concurrent with it:\n";
    for (const ExplainedOp& op : explanation.concurrent) text += pad + "  " + describe_op(op) + "\n";
  }
  return text;
}

namespace {

nlohmann::json op_json(const ExplainedOp& op) {
  nlohmann::json json = {{"invoke_index", op.invoke_index}, {"process", op.process}, {"f", op.f},
                         {"value", history::value_to_json(op.value)}, {"outcome", op.outcome},
                         {"text", describe_op(op)}};
  if (op.completion_index >= 0) json["completion_index"] = op.completion_index;
  if (op.result) json["result"] = history::value_to_json(*op.result);
  return json;
}

nlohmann::json ops_json(const std::vector<ExplainedOp>& ops) {
  nlohmann::json array = nlohmann::json::array();
  for (const ExplainedOp& op : ops) array.push_back(op_json(op));
  return array;
}

}  // namespace

nlohmann::json explanation_json(const Explanation& explanation) {
  nlohmann::json json = {{"reason", explanation.reason},
                         {"prefix_length", explanation.prefix_length},
                         {"prefix_tail", ops_json(explanation.prefix_tail)},
                         {"concurrent", ops_json(explanation.concurrent)}};
  if (explanation.key) json["key"] = history::value_to_json(*explanation.key);
  if (explanation.blocked) json["blocked"] = op_json(*explanation.blocked);
  if (explanation.state) json["state"] = *explanation.state;
  return json;
}

}  // namespace simlab::linearizability

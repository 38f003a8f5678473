#include "reports/explanation_data.h"

#include <regex>

#include "checkers/history/anomaly_list.h"
#include "checkers/history/value_format.h"

namespace simlab::reports {
namespace {

bool valid_position(const history::History& history, std::int64_t position) {
  return position >= 0 && static_cast<std::size_t>(position) < history.size();
}

// The invocation of the op that `position` (an invocation or a completion) belongs to.
std::int64_t invocation_of(const history::History& history, std::int64_t position) {
  const history::Op& op = history[static_cast<std::size_t>(position)];
  if (op.type == history::OpType::invoke) return position;
  for (std::int64_t i = position - 1; i >= 0; --i) {
    const history::Op& before = history[static_cast<std::size_t>(i)];
    if (before.process == op.process && before.type == history::OpType::invoke) return i;
  }
  return position;
}

nlohmann::json named_op(const nlohmann::json& op) {
  return {{"index", op.value("invoke_index", std::int64_t{-1})},
          {"text", op.value("text", std::string())}};
}

nlohmann::json named_list(const nlohmann::json& ops) {
  nlohmann::json list = nlohmann::json::array();
  if (ops.is_array()) {
    for (const nlohmann::json& op : ops) {
      if (op.is_object()) list.push_back(named_op(op));
    }
  }
  return list;
}

// The unique-value fast path names no single op: its reason says which
// values "must hold from position A to B". Those spans are what to look at.
nlohmann::json spans_from_reason(const std::string& reason, const history::History& history) {
  static const std::regex kSpan(R"(the value (.+?) must hold from position (\d+) to (\d+))");
  static const std::regex kLaterSpan(R"(and the value (.+?) from position (\d+) to (\d+))");
  nlohmann::json spans = nlohmann::json::array();
  for (const std::regex* pattern : {&kSpan, &kLaterSpan}) {
    std::smatch match;
    if (!std::regex_search(reason, match, *pattern)) continue;
    const std::int64_t from = std::stoll(match[2].str()), to = std::stoll(match[3].str());
    if (!valid_position(history, from) || !valid_position(history, to)) continue;
    spans.push_back({{"value", match[1].str()},
                     {"from_index", from},
                     {"to_index", to},
                     {"from_ns", history[static_cast<std::size_t>(from)].time},
                     {"to_ns", history[static_cast<std::size_t>(to)].time},
                     {"ops", {invocation_of(history, from), invocation_of(history, to)}}});
  }
  return spans;
}

nlohmann::json linearizability_data(const nlohmann::json& explanation,
                                    const history::History& history) {
  const std::string reason = explanation.value("reason", std::string());
  nlohmann::json data = {
      {"kind", "linearizability"},
      {"reason", reason},
      {"prefix_length", explanation.value("prefix_length", std::int64_t{0})},
      {"prefix_tail", named_list(explanation.value("prefix_tail", nlohmann::json()))},
      {"concurrent", named_list(explanation.value("concurrent", nlohmann::json()))},
      {"spans", spans_from_reason(reason, history)}};
  if (const auto blocked = explanation.find("blocked");
      blocked != explanation.end() && blocked->is_object()) {
    data["blocked"] = named_op(*blocked);
  }
  if (const auto state = explanation.find("state");
      state != explanation.end() && state->is_string())
    data["state"] = *state;
  if (const auto key = explanation.find("key"); key != explanation.end()) {
    history::Value value;
    data["key"] =
        history::value_from_json(*key, value) ? history::format_value(value) : key->dump();
  }
  return data;
}

// A list of anomalies (checkers/history/anomaly_list.h): the finding's
// detail, the counts, the examples and, for the queue checker, the lanes as
// it drew them; the ops of the finding's example are the ones to highlight.
nlohmann::json anomaly_list_data(const nlohmann::json& explanation, const RunSummary& summary) {
  const nlohmann::json anomalies = explanation.value("anomalies", nlohmann::json::array());
  const bool queue = explanation.value("checker", std::string()) == "queue";
  nlohmann::json data = {{"kind", queue ? "queue" : "anomalies"},
                         {"reason", summary.detail},
                         {"counts", explanation.value("counts", nlohmann::json::object())},
                         {"anomalies", anomalies},
                         {"lanes", explanation.value("lanes", nlohmann::json::array())},
                         {"cut", explanation.value("cut", nlohmann::json::object())},
                         {"named", nlohmann::json::array()}};
  if (!anomalies.empty() && anomalies.front().is_object()) {
    const nlohmann::json& first = anomalies.front();
    data["first"] = first.value("name", std::string());
    data["named"] = first.value("ops", nlohmann::json::array());
    if (summary.detail.empty()) data["reason"] = first.value("detail", std::string());
  }
  return data;
}

bool is_anomaly_list(const nlohmann::json& explanation) {
  const auto checker = explanation.find("checker");
  return checker != explanation.end() && checker->is_string() &&
         history::is_anomaly_list_checker(checker->get<std::string>());
}

std::string kind_of(const RunSummary& summary) {
  if (summary.verdict == "unknown") return "unknown";
  if (summary.anomaly == "liveness" || summary.verdict == "liveness-failure") return "liveness";
  if (summary.verdict == "internal-error") return "internal";
  if (summary.verdict == "valid") return "none";
  if (summary.anomaly == "linearizability" || summary.verdict == "invalid")
    return "linearizability";
  return "invariant";
}

}  // namespace

nlohmann::json explanation_data(const RunSummary& summary, const history::History& history) {
  nlohmann::json data;
  if (summary.explanation.is_object() && is_anomaly_list(summary.explanation)) {
    data = anomaly_list_data(summary.explanation, summary);
  } else if (summary.explanation.is_object()) {
    data = linearizability_data(summary.explanation, history);
  } else {
    data = {{"kind", kind_of(summary)}, {"reason", summary.detail}};
  }
  data["anomaly"] = summary.anomaly;
  if (summary.node) data["node"] = *summary.node;
  if (summary.failure_time_ns >= 0) data["time_ns"] = summary.failure_time_ns;
  return data;
}

std::set<std::int64_t> named_ops(const nlohmann::json& explanation) {
  std::set<std::int64_t> named;
  if (const auto blocked = explanation.find("blocked"); blocked != explanation.end())
    named.insert((*blocked)["index"].get<std::int64_t>());
  for (const char* list : {"prefix_tail", "concurrent"}) {
    for (const nlohmann::json& op : explanation.value(list, nlohmann::json::array()))
      named.insert(op["index"].get<std::int64_t>());
  }
  for (const nlohmann::json& span : explanation.value("spans", nlohmann::json::array())) {
    for (const nlohmann::json& op : span["ops"]) named.insert(op.get<std::int64_t>());
  }
  for (const nlohmann::json& op : explanation.value("named", nlohmann::json::array()))
    named.insert(op.get<std::int64_t>());
  return named;
}

std::int64_t focus_time(const nlohmann::json& explanation, const history::History& history) {
  if (explanation.contains("time_ns")) return explanation["time_ns"].get<std::int64_t>();
  if (const auto blocked = explanation.find("blocked"); blocked != explanation.end()) {
    const std::int64_t index = (*blocked)["index"].get<std::int64_t>();
    if (valid_position(history, index)) return history[static_cast<std::size_t>(index)].time;
  }
  const nlohmann::json spans = explanation.value("spans", nlohmann::json::array());
  if (!spans.empty()) return spans.front()["from_ns"].get<std::int64_t>();
  return -1;
}

}  // namespace simlab::reports

#include "reports/run_summary.h"

#include <fmt/format.h>

#include <stdexcept>

namespace simlab::reports {
namespace {

template <typename T>
T field(const nlohmann::json& json, const char* name, const std::string& file_name, T fallback) {
  const auto it = json.find(name);
  if (it == json.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(
        fmt::format("{}: field \"{}\" has the wrong type ({})", file_name, name, it->type_name()));
  }
}

std::vector<FaultPeriod> faults_from(const nlohmann::json& result, const std::string& file_name) {
  std::vector<FaultPeriod> faults;
  const auto it = result.find("faults");
  if (it == result.end()) return faults;
  if (!it->is_array())
    throw std::runtime_error(fmt::format("{}: expected \"faults\" to be an array", file_name));
  for (const nlohmann::json& fault : *it) {
    if (!fault.is_object())
      throw std::runtime_error(fmt::format("{}: expected each fault to be an object", file_name));
    faults.push_back({field<std::string>(fault, "kind", file_name, "fault"),
                      field<std::string>(fault, "detail", file_name, ""),
                      field<std::vector<std::int64_t>>(fault, "nodes", file_name, {}),
                      field<std::int64_t>(fault, "start_ns", file_name, 0),
                      field<std::int64_t>(fault, "end_ns", file_name, 0)});
  }
  return faults;
}

}  // namespace

std::string shell_quote(const std::string& text) {
  const bool plain =
      !text.empty() &&
      text.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") ==
          std::string::npos;
  if (plain) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Older result.json files have no "judges": the page then says nothing of them.
static void read_judges(const nlohmann::json& result, RunSummary& summary) {
  const auto judges = result.find("judges");
  if (judges == result.end() || !judges->is_object()) return;
  const auto names = [&](const char* key) {
    std::vector<std::string> out;
    if (const auto list = judges->find(key); list != judges->end() && list->is_array()) {
      for (const auto& name : *list) {
        if (name.is_string()) out.push_back(name.get<std::string>());
      }
    }
    return out;
  };
  summary.judges_ran = names("ran");
  summary.caught_by = names("caught_by");
  if (const auto box = judges->find("white_box"); box != judges->end() && box->is_object()) {
    summary.white_box = box->value("anomaly", "") + ": " + box->value("detail", "");
  }
}

RunSummary summary_from_result(const nlohmann::json& result, const nlohmann::json& scenario,
                               const std::string& folder, const std::string& file_name) {
  if (!result.is_object())
    throw std::runtime_error(fmt::format("{}: expected a JSON object", file_name));
  RunSummary summary;
  summary.system = field<std::string>(result, "system", file_name, "");
  summary.scenario = field<std::string>(result, "scenario", file_name, "");
  summary.workload = field<std::string>(result, "workload", file_name, "");
  summary.bug = field<std::string>(result, "bug", file_name, "");
  if (result.contains("seed")) summary.seed = field<std::uint64_t>(result, "seed", file_name, 0);
  summary.verdict = field<std::string>(result, "verdict", file_name, "");
  if (summary.verdict.empty())
    throw std::runtime_error(fmt::format("{}: expected a \"verdict\"", file_name));
  summary.anomaly = field<std::string>(result, "anomaly", file_name, "");
  summary.detail = field<std::string>(result, "detail", file_name, "");
  if (result.contains("node")) summary.node = field<std::int64_t>(result, "node", file_name, 0);
  summary.failure_time_ns = field<std::int64_t>(result, "failure_time_ns", file_name, -1);
  if (const auto it = result.find("explanation"); it != result.end() && it->is_object())
    summary.explanation = *it;
  if (const auto it = result.find("story"); it != result.end() && it->is_object())
    summary.story = *it;
  if (const auto it = result.find("audit"); it != result.end() && it->is_object())
    summary.audit = *it;
  summary.trace_hash = field<std::string>(result, "trace_hash", file_name, "");
  summary.simulated_ns = field<std::int64_t>(result, "simulated_ns", file_name, -1);
  summary.heal_ns = field<std::int64_t>(result, "heal_ns", file_name, -1);
  summary.wall_ms = field<double>(result, "wall_ms", file_name, -1);
  summary.faults = faults_from(result, file_name);
  read_judges(result, summary);
  // scenario.json is context only: a missing or odd checker field leaves the model unnamed.
  if (scenario.is_object() && scenario.contains("checker") && scenario["checker"].is_string()) {
    summary.model = scenario["checker"].get<std::string>();
  }
  summary.title =
      fmt::format("{} seed {}", summary.scenario.empty() ? summary.system : summary.scenario,
                  summary.seed ? std::to_string(*summary.seed) : std::string("?"));
  summary.commands = {"simlab replay " + shell_quote(folder),
                      "simlab shrink " + shell_quote(folder)};
  return summary;
}

}  // namespace simlab::reports

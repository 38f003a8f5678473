#include "harness/run/run_row.h"

#include <fstream>
#include <set>

#include "harness/run/run_folder.h"

namespace simlab {
namespace {

std::string joined(const nlohmann::json& names) {
  std::string text;
  for (const auto& name : names) {
    if (name.is_string()) text += (text.empty() ? "" : ",") + name.get<std::string>();
  }
  return text;
}

void read_judges(const nlohmann::json& judges, RunRow& row) {
  if (!judges.is_object()) return;
  row.judges = joined(judges.value("ran", nlohmann::json::array()));
  row.caught_by = joined(judges.value("caught_by", nlohmann::json::array()));
  const auto white_box = judges.find("white_box");
  if (white_box != judges.end() && white_box->is_object())
    row.white_box_anomaly = white_box->value("anomaly", "");
}

}  // namespace

nlohmann::json read_result_json(const std::string& folder) {
  std::ifstream in(folder + "/result.json");
  if (!in) return nullptr;
  nlohmann::json result = nlohmann::json::parse(in, nullptr, false);
  return result.is_object() ? result : nlohmann::json();
}

RunRow run_row(const Scenario& scenario, const std::string& key, std::uint64_t seed,
               const std::string& folder, const nlohmann::json& result) {
  RunRow row;
  row.scenario_key = key;
  row.seed = seed;
  row.system = scenario.system;
  row.scenario = scenario.name;
  row.workload = scenario.workload;
  row.bug = scenario.bug;
  row.buggify = scenario.buggify.value_or(false);
  row.run_dir = folder;
  row.replay = replay_command(folder);
  if (!result.is_object()) {
    row.verdict = "crash";
    row.exit_code = 70;
    row.detail = "the worker wrote no result";
    return row;
  }
  row.workload = result.value("workload", row.workload);
  row.buggify = result.value("buggify", row.buggify);
  row.verdict = result.value("verdict", "internal-error");
  row.exit_code = result.value("exit_code", 70);
  row.anomaly = result.value("anomaly", "");
  row.detail = result.value("detail", "");
  row.trace_hash = result.value("trace_hash", "");
  row.ops = result.value("ops", std::int64_t{0});
  row.events = result.value("events", std::int64_t{0});
  row.simulated_ns =
      result.value("simulated_ns", std::int64_t{0});  // int64: an int default would truncate
  row.wall_ms = result.value("wall_ms", 0.0);
  read_judges(result.value("judges", nlohmann::json()), row);
  std::set<std::string> kinds;
  for (const auto& fault : result.value("faults", nlohmann::json::array()))
    kinds.insert(fault.value("kind", ""));
  for (const auto& kind : kinds) row.fault_kinds += (row.fault_kinds.empty() ? "" : ",") + kind;
  return row;
}

}  // namespace simlab

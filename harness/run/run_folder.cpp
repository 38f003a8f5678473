#include "harness/run/run_folder.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "checkers/history/jsonl_writer.h"
#include "reports/run_report.h"

namespace simlab {
namespace {

std::ofstream open_for_writing(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write", path.string()));
  return out;
}

}  // namespace

RunOptions recorded_run_options(const std::string& folder) {
  RunOptions options;
  std::ifstream in(std::filesystem::path(folder) / "result.json");
  const nlohmann::json result = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  if (!result.is_object() || !result.contains("judges") || !result["judges"].is_object())
    return options;
  const nlohmann::json& judges = result["judges"];
  if (const auto parsed = parse_invariant_judges(judges.value("invariants", "all")))
    options.invariants = *parsed;
  options.stop_at_first_violation = judges.value("stop_at_first_violation", false);
  return options;
}

std::string replay_command(const std::string& folder) {
  return fmt::format("simlab replay {}", folder);
}

void write_run_inputs(const std::string& folder, const RunOutcome& outcome) {
  const std::filesystem::path root(folder);
  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error)
    throw std::runtime_error(fmt::format("{}: cannot create ({})", folder, error.message()));
  open_for_writing(root / "scenario.json") << scenario_to_json(outcome.scenario).dump(2) << "\n";
  auto out = open_for_writing(root / "history.jsonl");
  history::write_jsonl(outcome.history, out);
}

void write_run_folder(const std::string& folder, const RunOutcome& outcome, bool with_report) {
  const std::filesystem::path root(folder);
  write_run_inputs(folder, outcome);
  open_for_writing(root / "result.json")
      << outcome_to_json(outcome, replay_command(folder)).dump(2) << "\n";
  if (!outcome.trace_lines.empty()) {
    auto out = open_for_writing(root / "trace.log");
    for (const auto& line : outcome.trace_lines) out << line << "\n";
  }
  if (with_report) reports::write_run_report(folder);  // last: the page reads the files above
}

}  // namespace simlab

#include "reports/run_report.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "checkers/history/jsonl_reader.h"
#include "reports/explanation_data.h"
#include "reports/html_page.h"
#include "reports/page_assets.h"
#include "reports/run_page_data.h"

namespace simlab::reports {
namespace {

std::string read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json read_json(const std::filesystem::path& path) {
  try {
    return nlohmann::json::parse(read_whole(path));
  } catch (const nlohmann::json::parse_error& error) {
    throw std::runtime_error(fmt::format("{}: not JSON ({})", path.string(), error.what()));
  }
}

}  // namespace

std::string render_run_page(const RunSummary& summary, const history::History& history,
                            const std::optional<TraceExcerpt>& trace) {
  return html_page(summary.title + " - " + summary.verdict, "run-data",
                   run_page_data(summary, history, trace), kRunPageScript);
}

void write_run_report(const std::string& folder) {
  const std::filesystem::path root(folder);
  const std::filesystem::path result_path = root / "result.json",
                              scenario_path = root / "scenario.json";
  const std::filesystem::path history_path = root / "history.jsonl",
                              trace_path = root / "trace.log";
  const nlohmann::json result = read_json(result_path);
  const nlohmann::json scenario =
      std::filesystem::exists(scenario_path) ? read_json(scenario_path) : nlohmann::json();
  const RunSummary summary = summary_from_result(result, scenario, folder, result_path.string());
  const history::History history =
      history::read_jsonl(read_whole(history_path), history_path.string());
  std::optional<TraceExcerpt> trace;
  if (std::filesystem::exists(trace_path)) {
    std::ifstream in(trace_path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot read", trace_path.string()));
    trace = excerpt_trace(in, focus_time(explanation_data(summary, history), history));
  }
  std::string page;
  try {
    page = render_run_page(summary, history, trace);
  } catch (const nlohmann::json::exception& error) {
    // Only a hand-edited explanation in result.json can have the wrong shape here.
    throw std::runtime_error(
        fmt::format("{}: unexpected explanation ({})", result_path.string(), error.what()));
  }
  write_text_file((root / "index.html").string(), page);
}

}  // namespace simlab::reports

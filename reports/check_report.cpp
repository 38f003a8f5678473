#include "reports/check_report.h"

#include <filesystem>

#include "checkers/linearizability/explanation.h"
#include "reports/html_page.h"
#include "reports/run_report.h"

namespace simlab::reports {

void write_check_report(const std::string& html_path, const std::string& history_file,
                        const std::string& model, const history::History& history,
                        const linearizability::CheckResult& result) {
  RunSummary summary;
  summary.title = std::filesystem::path(history_file).filename().string();
  summary.model = model;
  summary.verdict = std::string(linearizability::verdict_name(result.verdict));
  if (result.verdict == linearizability::Verdict::invalid) summary.anomaly = "linearizability";
  if (result.verdict == linearizability::Verdict::unknown) summary.anomaly = "checker-gave-up";
  summary.detail = result.reason;
  if (result.explanation)
    summary.explanation = linearizability::explanation_json(*result.explanation);
  write_text_file(html_path, render_run_page(summary, history, std::nullopt));
}

std::string check_report_path(const std::string& dir, const std::string& history_file,
                              std::size_t position, std::size_t count) {
  const std::filesystem::path root(dir);
  if (count == 1) return (root / "index.html").string();
  const std::string name = std::filesystem::path(history_file).filename().string();
  return (root / (std::to_string(position + 1) + "-" + name + ".html")).string();
}

}  // namespace simlab::reports

// write_run_report: reads a run folder, writes index.html, and names the file
// at fault when it cannot.
#include "reports/run_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "reports/check_report.h"
#include "reports/run_summary.h"
#include "tests/reports/browser_support.h"

namespace simlab::reports {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const char* kResult =
    R"({"seed": 7, "system": "register", "scenario": "demo", "workload": "register", "bug": "",
  "verdict": "valid", "exit_code": 0, "anomaly": "", "detail": "", "trace_hash": "00000000deadbeef", "ops": 1,
  "events": 10, "simulated_ns": 1000, "heal_ns": 500, "wall_ms": 1.5,
  "faults": [{"kind": "crash", "detail": "crash n1", "nodes": [1], "start_ns": 10, "end_ns": 20}],
  "replay": "simlab replay x"})";
const char* kHistory = R"({"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":1}
{"index":1,"time":100,"process":0,"type":"ok","f":"write","value":1}
)";

std::string folder_with(const std::string& name, const char* result, const char* history) {
  const std::string folder = testing::scratch_dir(name);
  if (result) write(fs::path(folder) / "result.json", result);
  if (history) write(fs::path(folder) / "history.jsonl", history);
  return folder;
}

std::string error_of(const std::string& folder) {
  try {
    write_run_report(folder);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

TEST(WriteRunReport, WritesIndexHtmlWithTheRunsData) {
  const std::string folder = folder_with("report-ok", kResult, kHistory);
  write(fs::path(folder) / "trace.log", "        10 n1: CRASH\n");
  write_run_report(folder);
  const std::string page = read(fs::path(folder) / "index.html");
  EXPECT_NE(page.find("<script type=\"application/json\" id=\"run-data\">"), std::string::npos);
  EXPECT_NE(page.find("00000000deadbeef"), std::string::npos);
  EXPECT_NE(page.find("\"simlab shrink "), std::string::npos);
  EXPECT_NE(page.find("n1: CRASH"), std::string::npos);
  EXPECT_NE(page.find("default-src 'none'"),
            std::string::npos);  // no network, whatever the data says
  EXPECT_EQ(page.find("https://"),
            std::string::npos);  // (http:// appears once: the SVG namespace name)
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find(" src="), std::string::npos);
}

TEST(WriteRunReport, NamesAMissingFile) {
  EXPECT_NE(
      error_of(folder_with("report-no-result", nullptr, kHistory)).find("result.json: cannot read"),
      std::string::npos);
  EXPECT_NE(error_of(folder_with("report-no-history", kResult, nullptr))
                .find("history.jsonl: cannot read"),
            std::string::npos);
}

TEST(WriteRunReport, NamesAMalformedFileAndLine) {
  EXPECT_NE(error_of(folder_with("report-bad-json", "{\"verdict\": ", kHistory))
                .find("result.json: not JSON"),
            std::string::npos);
  EXPECT_NE(error_of(folder_with("report-no-verdict", "{}", kHistory))
                .find("result.json: expected a \"verdict\""),
            std::string::npos);
  EXPECT_NE(
      error_of(folder_with("report-bad-type", R"({"verdict": "valid", "faults": 3})", kHistory))
          .find("result.json: expected \"faults\" to be an array"),
      std::string::npos);
  const std::string bad_line =
      error_of(folder_with("report-bad-history", kResult, "{\"process\":0}\nnot json\n"));
  EXPECT_NE(bad_line.find("history.jsonl:1"), std::string::npos) << bad_line;
}

TEST(WriteRunReport, NamesAFolderItCannotWrite) {
  const std::string folder = folder_with("report-unwritable", kResult, kHistory);
  fs::create_directory(fs::path(folder) / "index.html");  // a directory where the page should go
  EXPECT_NE(error_of(folder).find("index.html: cannot write"), std::string::npos);
}

TEST(SummaryFromResult, ReadsEveryFieldAndQuotesTheFolder) {
  const RunSummary summary = summary_from_result(
      nlohmann::json::parse(kResult), {{"checker", "cas-register"}}, "runs/a b", "result.json");
  EXPECT_EQ(summary.system, "register");
  EXPECT_EQ(summary.seed, 7u);
  EXPECT_EQ(summary.model, "cas-register");
  ASSERT_EQ(summary.faults.size(), 1u);
  EXPECT_EQ(summary.faults[0].nodes, std::vector<std::int64_t>{1});
  EXPECT_EQ(summary.heal_ns, 500);
  EXPECT_EQ(summary.commands,
            (std::vector<std::string>{"simlab replay 'runs/a b'", "simlab shrink 'runs/a b'"}));
  EXPECT_EQ(shell_quote("runs/seed-1"), "runs/seed-1");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

// The page says which judges ran and which caught the run, and shows the
// white-box finding beside the history's.
TEST(SummaryFromResult, ReadsTheJudges) {
  nlohmann::json result = nlohmann::json::parse(kResult);
  result["judges"] = {
      {"ran", {"history", "nodes", "observer"}},
      {"caught_by", {"observer"}},
      {"white_box",
       {{"judge", "observer"}, {"anomaly", "raft.stale-local-read"}, {"detail", "node 1 read"}}}};
  const RunSummary summary = summary_from_result(result, {}, "runs/x", "result.json");
  EXPECT_EQ(summary.judges_ran, (std::vector<std::string>{"history", "nodes", "observer"}));
  EXPECT_EQ(summary.caught_by, std::vector<std::string>{"observer"});
  EXPECT_EQ(summary.white_box, "raft.stale-local-read: node 1 read");
  EXPECT_TRUE(summary_from_result(nlohmann::json::parse(kResult), {}, "runs/x", "result.json")
                  .judges_ran.empty())
      << "an older result.json without judges";
}

TEST(CheckReportPath, OneFileIsIndexSeveralAreNumbered) {
  EXPECT_EQ(check_report_path("out", "h/a.jsonl", 0, 1), "out/index.html");
  EXPECT_EQ(check_report_path("out", "h/a.jsonl", 0, 2), "out/1-a.jsonl.html");
  EXPECT_EQ(check_report_path("out", "g/a.jsonl", 1, 2), "out/2-a.jsonl.html");
}

}  // namespace
}  // namespace simlab::reports

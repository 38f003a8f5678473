// simlab check --report DIR: the run page for plain history files, here the
// Porcupine project's Jepsen etcd logs (../shared/testdata, read from the
// project root as ctest runs).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "harness/commands/command.h"
#include "tests/reports/browser_support.h"

namespace simlab {
int cmd_check(int argc, char** argv);

namespace {

namespace fs = std::filesystem;

const std::string kInvalidLog =
    std::string(SIMLAB_SOURCE_DIR) + "/../shared/testdata/porcupine/jepsen/etcd_000.log";
const std::string kValidLog =
    std::string(SIMLAB_SOURCE_DIR) + "/../shared/testdata/porcupine/jepsen/etcd_002.log";

int run_check(std::vector<std::string> args) {
  args.insert(args.begin(), "check");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return cmd_check(static_cast<int>(argv.size()), argv.data());
}

TEST(CheckReport, AJepsenLogGetsAPageThatExplainsTheFailure) {
  REQUIRE_BROWSER();
  ASSERT_TRUE(fs::exists(kInvalidLog)) << kInvalidLog;
  const std::string dir = reports::testing::scratch_dir("check-report");
  ASSERT_EQ(run_check({"--model", "cas-register", "--report", dir, kInvalidLog}),
            kExitSafetyViolation);
  const std::string dom =
      reports::testing::dump_dom(reports::testing::file_url(dir + "/index.html"));
  EXPECT_TRUE(std::regex_search(dom, std::regex(R"(id="verdict"[^>]*>invalid<)")));
  EXPECT_NE(dom.find("<h1>etcd_000.log</h1>"), std::string::npos);
  EXPECT_NE(dom.find("Why: not linearizable"), std::string::npos);
  EXPECT_NE(dom.find("cannot place"), std::string::npos);
  EXPECT_NE(dom.find("model state after the prefix"), std::string::npos);
  EXPECT_NE(dom.find("highlight-blocked"), std::string::npos)
      << "the blocked op is marked on the timeline";
  EXPECT_NE(dom.find("position "), std::string::npos)
      << "a log without a clock is drawn by position";
  EXPECT_EQ(dom.find("id=\"trace\""), std::string::npos) << "no simulator parts";
  EXPECT_EQ(dom.find("simlab replay"), std::string::npos);
  fs::create_directories(fs::path(SIMLAB_BINARY_DIR) / "screenshots");
  EXPECT_TRUE(reports::testing::screenshot(
      reports::testing::file_url(dir + "/index.html"),
      std::string(SIMLAB_BINARY_DIR) + "/screenshots/check-etcd.png", 1400, 1500));
}

TEST(CheckReport, SeveralFilesGetNumberedPages) {
  const std::string dir = reports::testing::scratch_dir("check-report-two");
  EXPECT_EQ(run_check({"--model", "cas-register", "--report", dir, kValidLog, kInvalidLog}),
            kExitSafetyViolation);
  EXPECT_TRUE(fs::exists(dir + "/1-etcd_002.log.html"));
  EXPECT_TRUE(fs::exists(dir + "/2-etcd_000.log.html"));
  EXPECT_FALSE(fs::exists(dir + "/index.html"));
}

TEST(CheckReport, AnUnwritableReportIsAnError) {
  const std::string dir = reports::testing::scratch_dir("check-report-unwritable");
  fs::create_directories(dir + "/index.html");  // a directory where the page should go
  EXPECT_EQ(run_check({"--model", "cas-register", "--report", dir, kValidLog}), kExitCantCreate);
}

}  // namespace
}  // namespace simlab

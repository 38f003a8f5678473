// simlab report --db FILE --out DIR, end to end on a real results store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/commands/command.h"
#include "harness/results_store.h"
#include "harness/run/run_folder.h"
#include "harness/run/run_scenario.h"
#include "tests/reports/browser_support.h"

namespace simlab {
int cmd_report(int argc, char** argv);

namespace {

namespace fs = std::filesystem;

int run_report(std::vector<std::string> args) {
  args.insert(args.begin(), "report");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return cmd_report(static_cast<int>(argv.size()), argv.data());
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CmdReport, WritesTheIndexOfAStoreAndPagesForKeptRunsThatLackOne) {
  const std::string dir = reports::testing::scratch_dir("cmd-report");
  const std::string db = dir + "/results.db", run_dir = dir + "/runs/seed-3";
  Scenario scenario = register_demo_scenario();
  scenario.safety_ms = 300;
  scenario.liveness_ms = 300;
  write_run_folder(run_dir, run_scenario(resolve_scenario(scenario, 3)));
  fs::remove(fs::path(run_dir) / "index.html");  // as a store filled before pages existed
  {
    ResultsStore store(db);
    RunRow kept{"k",        3,
                "register", "default",
                "register", "",
                "valid",    0,
                "",         "",
                "abc",      10,
                100,        1000,
                2.5,        "crash,partition",
                run_dir,    "simlab replay " + run_dir,
                "history",  "",
                "",         false};
    RunRow gone = kept;
    gone.seed = 4;
    gone.verdict = "safety-violation";
    gone.run_dir = dir + "/runs/missing";
    store.record(kept);
    store.record(gone);
  }
  ASSERT_EQ(run_report({"--db", db, "--out", dir + "/site"}), kExitValid);
  const std::string page = read(fs::path(dir) / "site" / "index.html");
  EXPECT_NE(page.find("\"link\":\"./../runs/seed-3/index.html\""), std::string::npos)
      << page.substr(0, 400);
  EXPECT_NE(page.find("\"faults\":[\"crash\",\"partition\"]"), std::string::npos);
  EXPECT_NE(page.find("\"seed\":\"4\""), std::string::npos);
  EXPECT_EQ(page.find("runs/missing"), std::string::npos)
      << "no link to a folder that is not there";
  EXPECT_TRUE(fs::exists(fs::path(run_dir) / "index.html"));
}

TEST(CmdReport, UsageAndMissingStore) {
  EXPECT_EQ(run_report({"--db", "x.db"}), kExitUsage);
  EXPECT_EQ(run_report({"--bogus"}), kExitUsage);
  EXPECT_EQ(run_report({"--db", "/nonexistent/results.db", "--out", "/tmp/x"}), kExitNoInput);
}

}  // namespace
}  // namespace simlab

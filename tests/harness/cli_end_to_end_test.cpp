// End to end through the real simlab binary: a planted-bug swarm finds a
// failure, its replay matches, its shrink is smaller and still fails the
// same way, a swarm killed with SIGKILL and rerun records every seed once,
// and malformed scenarios exit 65 naming the field.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "tests/harness/cli_support.h"

namespace simlab {
namespace {

namespace fs = std::filesystem;

using testing::Ran;

Ran run(const std::string& arguments) { return testing::run_simlab(arguments); }

fs::path scratch(const std::string& name) { return testing::scratch_folder(name); }

std::int64_t count_rows(const fs::path& db, const std::string& where = "1") {
  sqlite3* handle = nullptr;
  sqlite3_open(db.c_str(), &handle);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(handle, ("SELECT COUNT(*), COUNT(DISTINCT seed) FROM runs WHERE " + where).c_str(), -1,
                     &statement, nullptr);
  std::int64_t rows = -1;
  if (sqlite3_step(statement) == SQLITE_ROW) {
    rows = sqlite3_column_int64(statement, 0);
    EXPECT_EQ(rows, sqlite3_column_int64(statement, 1)) << "a seed was recorded twice";
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return rows;
}

TEST(CliEndToEnd, PlantedBugSwarmReplayAndShrink) {
  const fs::path dir = scratch("bug-swarm");
  const Ran swarm =
      run(fmt::format("swarm --system register --bug register.stale-read --seeds 1..12 --jobs 2 "
                      "--db {0}/runs.db --out {0}/runs "
                      "--junit {0}/junit.xml",
                      dir.string()));
  EXPECT_EQ(swarm.exit_code, 1) << swarm.output;
  EXPECT_GT(count_rows(dir / "runs.db", "verdict = 'safety-violation'"), 0) << swarm.output;
  // A passing run simulates its whole 5 s safety phase: past 2^31 ns, so a
  // 32-bit slip anywhere on the way to the store shows.
  EXPECT_EQ(count_rows(dir / "runs.db", "verdict = 'valid' AND simulated_ns < 5000000000"), 0);
  EXPECT_NE(std::ifstream(dir / "junit.xml").peek(), EOF);

  fs::path failing;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "runs")) {
    if (entry.path().filename() == "result.json") failing = entry.path().parent_path();
  }
  EXPECT_TRUE(fs::exists(failing / "index.html")) << "a kept failing run has its report";
  ASSERT_FALSE(failing.empty()) << "no failing run folder was kept";
  const Ran replay = run("replay " + failing.string());
  EXPECT_EQ(replay.exit_code, 1) << replay.output;
  EXPECT_NE(replay.output.find("replay matches"), std::string::npos) << replay.output;

  const Ran shrunk =
      run(fmt::format("shrink {} --budget 200 --out {}/shrunk", failing.string(), dir.string()));
  EXPECT_EQ(shrunk.exit_code, 1) << shrunk.output;
  std::smatch before, after;
  const std::regex ops(R"((\d+) ops, (\d+) faults)");
  const auto b = shrunk.output.find("before:"), a = shrunk.output.find("after:");
  ASSERT_NE(b, std::string::npos) << shrunk.output;
  const std::string before_line = shrunk.output.substr(b, a - b), after_line = shrunk.output.substr(a);
  ASSERT_TRUE(std::regex_search(before_line, before, ops));
  ASSERT_TRUE(std::regex_search(after_line, after, ops));
  EXPECT_LT(std::stoll(after[1]), std::stoll(before[1])) << shrunk.output;
  nlohmann::json result;
  std::ifstream(dir / "shrunk" / "result.json") >> result;
  EXPECT_EQ(result["verdict"], "safety-violation");
  EXPECT_EQ(result["anomaly"], "linearizability");
  EXPECT_EQ(run(fmt::format("replay {}/shrunk", dir.string())).exit_code, 1);
}

TEST(CliEndToEnd, KilledSwarmLosesNoFinishedRunAndResumes) {
  const fs::path dir = scratch("killed-swarm");
  const std::string arguments = fmt::format("swarm --seeds 1..60 --jobs 2 --db {0}/runs.db --out {0}/runs", dir.string());
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setpgid(0, 0);
    execl("/bin/sh", "sh", "-c", (fmt::format("exec {}/simlab ", SIMLAB_BINARY_DIR) + arguments + " >/dev/null 2>&1").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for some runs to be recorded, then kill the whole process group.
  for (int i = 0; i < 400 && (!fs::exists(dir / "runs.db") || count_rows(dir / "runs.db") < 5); ++i) usleep(10'000);
  kill(-child, SIGKILL);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  const std::int64_t recorded = count_rows(dir / "runs.db");
  EXPECT_GE(recorded, 5);
  const Ran rerun = run(arguments);
  EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_NE(rerun.output.find(fmt::format("{} already recorded", recorded)), std::string::npos) << rerun.output;
  EXPECT_EQ(count_rows(dir / "runs.db"), 60);
}

TEST(CliEndToEnd, ShardsMergeIntoTheWholeSwarm) {
  const fs::path dir = scratch("shards");
  for (int shard = 0; shard < 3; ++shard) {
    const Ran ran = run(fmt::format("swarm --seeds 1..9 --shard {1}/3 --jobs 2 --db {0}/shard{1}.db --out {0}/runs",
                                    dir.string(), shard));
    EXPECT_EQ(ran.exit_code, 0) << ran.output;
    EXPECT_EQ(count_rows(dir / fmt::format("shard{}.db", shard)), 3);
  }
  const Ran merged = run(fmt::format("merge {0}/shard0.db {0}/shard1.db {0}/shard2.db {0}/shard0.db --out {0}/all.db",
                                     dir.string()));
  EXPECT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_EQ(count_rows(dir / "all.db"), 9);
  EXPECT_EQ(run(fmt::format("runs --db {}/all.db --verdict valid", dir.string())).exit_code, 0);
}

TEST(CliEndToEnd, MalformedScenariosExit65NamingTheField) {
  const fs::path dir = scratch("bad-scenarios");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"sytem": "register"})", "sytem"},
      {R"({"nodes": "five"})", "nodes"},
      {R"({"faults": {"crash": {"rate": -1}}})", "faults.crash.rate"},
      {R"({"timeline": [{"kind": "clock", "mode": "warp"}]})", "timeline[0].mode"},
      {R"({"system": "register", )", "not valid JSON"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const fs::path file = dir / fmt::format("bad{}.json", i);
    std::ofstream(file) << cases[i].first;
    const Ran ran = run(fmt::format("run --scenario {} --out {}/run{}", file.string(), dir.string(), i));
    EXPECT_EQ(ran.exit_code, 65) << cases[i].first << "\n" << ran.output;
    EXPECT_NE(ran.output.find(cases[i].second), std::string::npos) << ran.output;
    EXPECT_NE(ran.output.find(file.string()), std::string::npos) << "the message names the file: " << ran.output;
  }
  EXPECT_EQ(run("run --seed x").exit_code, 64);
  EXPECT_EQ(run("run --system nosuch").exit_code, 64);
  EXPECT_EQ(run("swarm --seeds 5..1").exit_code, 64);
}

}  // namespace
}  // namespace simlab

namespace simlab {
namespace {

TEST(CliEndToEnd, TuiDrawsInATerminalAndFallsBackToLinesWithout) {
  const fs::path dir = scratch("tui");
  const std::string swarm = fmt::format(
      "swarm --system register --bug register.stale-read --seeds 1..6 --jobs 2 --db {0}/{{}}.db "
      "--out {0}/runs --tui",
      dir.string());
  // No terminal (a pipe): plain progress lines, no escape sequences.
  const Ran plain = run(fmt::format(fmt::runtime(swarm), "plain"));
  EXPECT_EQ(plain.exit_code, 1) << plain.output;
  EXPECT_NE(plain.output.find("seeds/s"), std::string::npos) << plain.output;
  EXPECT_EQ(plain.output.find("\x1b["), std::string::npos) << "escape codes without a terminal";
  if (!fs::exists("/usr/bin/script")) GTEST_SKIP() << "util-linux 'script' is needed to give the swarm a terminal";
  // A pseudo-terminal from script(1): the ncurses view with its sections.
  const std::string command = fmt::format("TERM=xterm script -qec \"{}/simlab {}\" /dev/null 2>&1", SIMLAB_BINARY_DIR,
                                          fmt::format(fmt::runtime(swarm), "tui"));
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string screen;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) screen += buffer;
  const int status = pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  for (const char* section : {"\x1b[", "failures by planted bug", "register.stale-read", "runs with each fault kind active",
                              "latest failures", "simlab replay"}) {
    EXPECT_NE(screen.find(section), std::string::npos) << "missing '" << section << "'";
  }
}

}  // namespace
}  // namespace simlab

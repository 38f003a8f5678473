// `simlab check --model list-append|rw-register` end to end: verdicts, exit
// codes shared with the linearizability checker, FILE:LINE errors, JSON.
// Runs the simlab binary built next to the tests; skipped if it is missing.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CmdCheckTxn : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = fs::path(SIMLAB_BINARY_DIR) / "simlab";
    if (!fs::exists(binary_)) GTEST_SKIP() << "simlab not built at " << binary_;
    dir_ = fs::temp_directory_path() / ("simlab_txn_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  CliRun run(const std::string& args) {
    const std::string command = binary_.string() + " check " + args + " >" +
                                (dir_ / "out").string() + " 2>" + (dir_ / "err").string();
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir_ / "out"), slurp(dir_ / "err")};
  }

  // Expects a refusal: this exit code, nothing on stdout, exactly `err`.
  void expect_refusal(const std::string& args, int exit_code, const std::string& err) {
    const CliRun result = run(args);
    EXPECT_EQ(result.exit_code, exit_code) << args << "\n" << result.err;
    EXPECT_EQ(result.out, "") << args;
    EXPECT_EQ(result.err, err) << args;
  }

  fs::path binary_, dir_;
};

std::string op(int index, const char* type, int process, const std::string& value) {
  return "{\"index\":" + std::to_string(index) + ",\"type\":\"" + type +
         "\",\"process\":" + std::to_string(process) + ",\"f\":\"txn\",\"value\":" + value + "}\n";
}

TEST_F(CmdCheckTxn, VerdictsAndExitCodes) {
  const auto valid =
      write("valid.jsonl",
            op(0, "invoke", 1, "[[\"append\",1,1]]") + op(1, "ok", 1, "[[\"append\",1,1]]") +
                op(2, "invoke", 2, "[[\"r\",1,null]]") + op(3, "ok", 2, "[[\"r\",1,[1]]]"));
  EXPECT_EQ(run("--model list-append " + valid.string()).exit_code, 0);
  const auto skew =
      run("--model list-append --consistency serializable "
          "../shared/testdata/elle/si-without-g-single.edn");
  EXPECT_EQ(skew.exit_code, 1);
  EXPECT_NE(skew.out.find("G2-item"), std::string::npos) << skew.out;
  EXPECT_EQ(run("--model list-append --consistency snapshot-isolation "
                "../shared/testdata/elle/si-without-g-single.edn")
                .exit_code,
            0);
}

TEST_F(CmdCheckTxn, UnknownWhenTheSolverRunsOutOfBudget) {
  std::string text;
  int index = 0;
  constexpr int kCount = 200;
  std::vector<std::string> values;
  for (int i = 0; i < kCount; ++i) {
    const int key = (i + 1) % 4, earlier = (i - key) / 4;
    std::string ops = "[[\"w\"," + std::to_string(i % 4) + "," + std::to_string(i + 1) + "]";
    if (earlier > 0)
      ops += ",[\"r\"," + std::to_string(key) + "," +
             std::to_string(4 * ((i * 7 + 5) % earlier) + key + 1) + "]";
    values.push_back(ops + "]");
  }
  for (int i = 0; i < kCount; ++i) text += op(index++, "invoke", i, values[i]);
  for (int i = 0; i < kCount; ++i) text += op(index++, "ok", i, values[i]);
  const auto file = write("hard.jsonl", text);
  const auto run_result =
      run("--model rw-register --consistency serializable --budget-s 0.001 " + file.string());
  EXPECT_EQ(run_result.exit_code, 2) << run_result.out << run_result.err;
  EXPECT_NE(run_result.out.find("gave up"), std::string::npos) << run_result.out;
}

TEST_F(CmdCheckTxn, BadInputAndBadFlags) {
  const auto bad = write("bad.jsonl", op(0, "invoke", 1, "[[\"append\",1,2]]") +
                                          op(1, "ok", 1, "[[\"append\",1,\"x\"]]"));
  const auto result = run("--model list-append " + bad.string());
  EXPECT_EQ(result.exit_code, 65);
  EXPECT_NE(result.err.find(bad.string() + ":2: expected an integer value to append"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(run("--model list-append --consistency linearizable " + bad.string()).exit_code, 64);
  EXPECT_EQ(run("--model list-append").exit_code, 64);
  EXPECT_EQ(run("--model rw-register --budget-s 0 " + bad.string()).exit_code, 64);
  EXPECT_EQ(run("--model list-append " + (dir_ / "missing.jsonl").string()).exit_code, 66);
  // --json names bad input with the key every simlab check uses.
  const auto json = run("--model list-append --json " + bad.string());
  EXPECT_EQ(nlohmann::json::parse(json.out)["verdict"], "bad-input") << json.out;
}

// A history with no transactions is not "valid" for a transactional model:
// most often it is a register history given the wrong --model.
TEST_F(CmdCheckTxn, AHistoryWithoutTransactionsIsBadInput) {
  const auto registers = write("registers.edn",
                               "{:process 0 :type :invoke :f :write :value 1}\n"
                               "{:process 0 :type :ok :f :write :value 1}\n"
                               "{:process 1 :type :invoke :f :read :value nil}\n"
                               "{:process 1 :type :ok :f :read :value 1}\n");
  expect_refusal("--model list-append " + registers.string(), 65,
                 registers.string() +
                     ": holds no transactions for --model list-append: expected ops with f txn "
                     "whose value lists micro-ops such as [[:append 1 2] [:r 1 [2]]]; its 4 "
                     "client ops have f read, write\n");
  const auto rw = run("--model rw-register " + registers.string());
  EXPECT_EQ(rw.exit_code, 65);
  EXPECT_NE(rw.err.find("holds no transactions for --model rw-register"), std::string::npos)
      << rw.err;
  EXPECT_NE(rw.err.find("[[:w 1 2] [:r 1 2]]"), std::string::npos) << rw.err;
  const auto empty = write("empty.jsonl", "");
  const auto nothing = run("--model list-append " + empty.string());
  EXPECT_EQ(nothing.exit_code, 65);
  EXPECT_NE(nothing.err.find(empty.string() + ": holds no transactions"), std::string::npos)
      << nothing.err;
  EXPECT_NE(nothing.err.find("it holds no client ops"), std::string::npos) << nothing.err;
  const auto json = run("--model list-append --json " + registers.string());
  EXPECT_EQ(nlohmann::json::parse(json.out)["verdict"], "bad-input") << json.out;
}

// The line of a bad transaction comes from the reader, so an EDN vector
// spread over lines with comments still names the right one.
TEST_F(CmdCheckTxn, ABadTransactionNamesItsLineInAnyLayout) {
  const auto file = write("laid_out.edn",
                          "[; a comment line\n"
                          " {:process 1 :type :invoke :f :txn :value [[:append 1 2]]}\n"
                          " {:process 1 :type :ok :f :txn\n"
                          "  :value [[:append 1 \"x\"]]}]\n");
  expect_refusal("--model list-append " + file.string(), 65,
                 file.string() + ":3: expected an integer value to append\n");
}

TEST_F(CmdCheckTxn, NilReadAnyIsRefused) {
  const auto file = write("valid.jsonl", op(0, "invoke", 1, "[[\"append\",1,1]]") +
                                             op(1, "ok", 1, "[[\"append\",1,1]]"));
  expect_refusal(
      "--model list-append --nil-read any " + file.string(), 64,
      "simlab check: --nil-read any applies only to --model register, cas-register or kv; "
      "the list-append model has no unknown-value reading of nil\n");
  EXPECT_EQ(run("--model rw-register --nil-read any " + file.string()).exit_code, 64);
  EXPECT_EQ(run("--model list-append --nil-read value " + file.string()).exit_code, 0);
}

TEST_F(CmdCheckTxn, JsonOutput) {
  const auto result =
      run("--model list-append --consistency serializable --json "
          "../shared/testdata/elle/si-without-g-single.edn");
  ASSERT_EQ(result.exit_code, 1);
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["valid"], "invalid");
  EXPECT_EQ(json["verdict"], "invalid");
  EXPECT_EQ(json["anomaly-types"], nlohmann::json::array({"G2-item"}));
  EXPECT_EQ(json["not"], nlohmann::json::array({"repeatable-read"}));
  EXPECT_EQ(json["anomalies"]["G2-item"][0]["cycle"][0]["kind"], "rw");
}

}  // namespace

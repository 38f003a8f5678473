// `simlab check` end to end: verdict lines and exit codes. Runs the simlab
// binary of this build tree; skipped when only the checker tests were built.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "checkers/history/jsonl_writer.h"
#include "checkers/linearizability/synthetic_history.h"

namespace {

const std::string kSimlab = std::string(SIMLAB_BINARY_DIR) + "/simlab";
const std::string kJepsen = "../shared/testdata/porcupine/jepsen/";

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandRun simlab_check(const std::string& arguments) {
  CommandRun run;
  FILE* pipe = popen((kSimlab + " check " + arguments + " 2>&1").c_str(), "r");
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, count);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string temp_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("simlab_cmd_check_" + name);
  std::ofstream(path) << text;
  return path.string();
}

class CmdCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSimlab)) GTEST_SKIP() << kSimlab << " is not built";
  }
};

TEST_F(CmdCheck, ValidFilesExitZeroWithOneLineEach) {
  const CommandRun run = simlab_check("--model cas-register " + kJepsen + "etcd_002.log " + kJepsen + "etcd_005.log");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("etcd_002.log: valid"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("etcd_005.log: valid"), std::string::npos) << run.output;
}

TEST_F(CmdCheck, AnInvalidFileExitsOneAndExplains) {
  const CommandRun run = simlab_check("--model cas-register " + kJepsen + "etcd_002.log " + kJepsen + "etcd_000.log");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("etcd_000.log: invalid: "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("cannot place: "), std::string::npos) << run.output;
}

TEST_F(CmdCheck, DetectsEdnFromContentAndHonoursInit) {
  EXPECT_EQ(simlab_check("--model kv ../shared/testdata/porcupine/kv/c10-ok.txt").exit_code, 0);
  EXPECT_EQ(simlab_check("--model kv --format edn ../shared/testdata/porcupine/kv/c10-bad.txt").exit_code, 1);
  const std::string read_zero = temp_file("init.jsonl", "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n"
                                                        "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":0}\n");
  EXPECT_EQ(simlab_check("--model register " + read_zero).exit_code, 1);
  EXPECT_EQ(simlab_check("--model register --init 0 " + read_zero).exit_code, 0);
}

TEST_F(CmdCheck, MalformedInputExits65WithFileAndLine) {
  const std::string bad = temp_file("bad.jsonl", "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n{\"process\":0,\"type\":\"ok\"\n");
  const CommandRun run = simlab_check("--model register " + bad);
  EXPECT_EQ(run.exit_code, 65) << run.output;
  EXPECT_NE(run.output.find(bad + ":2: expected"), std::string::npos) << run.output;
  const std::string wrong_model = temp_file("model.jsonl", "{\"process\":0,\"type\":\"invoke\",\"f\":\"enqueue\"}\n");
  EXPECT_EQ(simlab_check("--model register " + wrong_model).exit_code, 65);
  EXPECT_EQ(simlab_check("--model register /nonexistent/history.jsonl").exit_code, 66);
}

// Runs `simlab check ARGUMENTS` and expects exactly this exit code and
// output: a refusal is one line, and the test spells it in full.
void expect_run(const std::string& arguments, int exit_code, const std::string& output) {
  const CommandRun run = simlab_check(arguments);
  EXPECT_EQ(run.exit_code, exit_code) << arguments << "\n" << run.output;
  EXPECT_EQ(run.output, output) << arguments;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

TEST_F(CmdCheck, AnUnknownFNamesTheModelOnceWithFileAndLine) {
  const std::string file =
      temp_file("unknown_f.jsonl",
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
                "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n"
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"enqueue\"}\n");
  expect_run("--model register " + file, 65,
             file + ":3: expected f read or write for the register model, found f \"enqueue\"\n");
  EXPECT_EQ(count_of(simlab_check("--model register " + file).output, "for the register model"),
            1u);
  const std::string cas = temp_file("bad_cas.edn", "{:process 0 :type :invoke :f :cas :value 3}\n");
  expect_run("--model cas-register " + cas, 65,
             cas + ":1: expected a cas value [from to] for the cas-register model, found 3\n");
}

// Jepsen and Knossos write EDN this reader once refused: a list with ;
// comments, records, discards, tags, nested maps, escapes, characters and
// floats. The history below is not linearizable (a read of 3 that nobody
// wrote), so reading it all the way gives exit 1, not 65.
TEST_F(CmdCheck, ReadsJepsenAndKnossosEdn) {
  const std::string file = temp_file(
      "knossos.edn",
      "; Knossos-style: a list, not a vector\n"
      "({:type :invoke, :f :write, :value 0, :process 0}\n"
      " #jepsen.history.Op{:type :ok, :f :write, :value 0, :process 0, :time 5}\n"
      " #_ {:type :invoke, :f :write, :value 3, :process 7} ; discarded: nobody writes 3\n"
      " {:type :invoke, :f :read, :value nil, :process 1, :debug {:note \"a \\\"quoted\\\" "
      "\\u00e9\\n\"}}\n"
      " {:type :info, :f :start, :process :nemesis, :value {:at #inst \"2024-01-01\", :c \\a, "
      ":load 0.5}}\n"
      " {:type :ok, :f :read, :value 3, :process 1, :error [:none #{:x}]})\n");
  const CommandRun run = simlab_check("--model cas-register " + file);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(file + ": invalid: "), std::string::npos) << run.output;
  // Floats are read; a model that needs an integer says so.
  const std::string counter =
      temp_file("float_counter.edn", "[{:process 0 :type :invoke :f :add :value 1.5}]\n");
  expect_run("--model counter " + counter, 65,
             counter + ":1: expected an integer amount to add for the counter model, found 1.5\n");
}

// Knossos's register models read nil as "value unknown". One history, both
// readings: the read of nil after the write of 1 is wrong only if nil is a value.
TEST_F(CmdCheck, NilReadAnyIsKnossosReading) {
  const std::string file = temp_file("nil_read.edn",
                                     "{:process 0, :type :invoke, :f :write, :value 1}\n"
                                     "{:process 0, :type :ok, :f :write, :value 1}\n"
                                     "{:process 1, :type :invoke, :f :read, :value nil}\n"
                                     "{:process 1, :type :ok, :f :read, :value nil}\n");
  for (const std::string model : {"register", "cas-register", "kv"}) {
    const CommandRun as_value = simlab_check("--model " + model + " --nil-read value " + file);
    EXPECT_EQ(as_value.exit_code, 1) << model << ": " << as_value.output;
    EXPECT_EQ(simlab_check("--model " + model + " " + file).exit_code, 1)
        << model << ": value is the default";
    const CommandRun as_any = simlab_check("--model " + model + " --nil-read any " + file);
    EXPECT_EQ(as_any.exit_code, 0) << model << ": " << as_any.output;
  }
  expect_run("--model fifo-queue --nil-read any " + file, 64,
             "simlab check: --nil-read any applies only to --model register, cas-register or kv; "
             "the fifo-queue model has no unknown-value reading of nil\n");
  EXPECT_EQ(simlab_check("--model fifo-queue --nil-read value " + file).exit_code,
            65);  // value is every model's reading
  expect_run("--model register --nil-read maybe " + file, 64,
             "simlab check: expected --nil-read value or any\n");
  const CommandRun help = simlab_check("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--nil-read"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("Knossos"), std::string::npos) << help.output;
}

TEST_F(CmdCheck, AProcessThatIsASymbolIsBadInput) {
  const std::string file = temp_file("symbol_process.edn",
                                     "{:process 0, :type :invoke, :f :read, :value nil}\n"
                                     "{:process 0, :type :ok, :f :read, :value nil}\n"
                                     "{:process foo, :type :invoke, :f :read, :value nil}\n");
  expect_run("--model register " + file, 65,
             file +
                 ":3: expected :process to be an integer or a keyword such as :nemesis, found the "
                 "symbol foo\n");
}

// --model queue is the Kafka-style log checker; a FIFO queue's history is
// --model fifo-queue, and the message says so before any work.
TEST_F(CmdCheck, TheQueueModelJudgesSendsAndPollsAndNamesTheAnomaly) {
  const std::string lost = temp_file(
      "lost.edn", R"({:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 1 11]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 1 [1 11]]]}
{:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :ok :f :poll :value [[:poll {1 [[1 11]]}]]}
)");
  const CommandRun run = simlab_check("--model queue " + lost);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("lost-write: 1"), std::string::npos) << run.output;
  const CommandRun json = simlab_check("--model=queue --json " + lost);
  EXPECT_EQ(nlohmann::json::parse(json.output)["counts"]["lost-write"], 1) << json.output;

  const std::string fifo =
      temp_file("fifo.edn", "{:process 1 :type :invoke :f :enqueue :value 1}\n");
  const CommandRun wrong = simlab_check("--model queue " + fifo);
  EXPECT_EQ(wrong.exit_code, 65);
  EXPECT_NE(wrong.output.find(fifo + ": holds no send or poll ops"), std::string::npos)
      << wrong.output;
  EXPECT_NE(wrong.output.find("--model fifo-queue"), std::string::npos) << wrong.output;
}

// A JSONL queue file goes through the fast reader; one it cannot read is
// read again the general way, whose message names the line.
TEST_F(CmdCheck, TheQueueModelReadsJsonlFastAndStillNamesABadLine) {
  const std::string lost =
      temp_file("lost.jsonl",
                R"({"process":0,"type":"invoke","f":"send","value":[["send",1,10],["send",1,11]]}
{"process":0,"type":"ok","f":"send","value":[["send",1,[0,10]],["send",1,[1,11]]]}
{"process":1,"type":"invoke","f":"poll","value":[["poll"]]}
{"process":1,"type":"ok","f":"poll","value":[["poll",[[1,[[1,11]]]]]]}
)");
  const CommandRun run = simlab_check("--model queue " + lost);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("lost-write: 1"), std::string::npos) << run.output;

  const std::string bad =
      temp_file("bad.jsonl", R"({"process":0,"type":"invoke","f":"send","value":[["send",1,10]]}
{"process":0,"type":"ok","f":"send","value":[["push",1,[0,10]]]}
)");
  const CommandRun wrong = simlab_check("--model queue " + bad);
  EXPECT_EQ(wrong.exit_code, 65);
  EXPECT_NE(wrong.output.find(bad + ":2: expected a :send or :poll micro-op, found :push"),
            std::string::npos)
      << wrong.output;
}

// --model set-full and the counters judge Jepsen's and Maelstrom's shapes
// with the same exit codes; their own flag is refused elsewhere.
TEST_F(CmdCheck, TheSetFullAndCounterModelsJudgeTheirHistories) {
  const std::string lost = temp_file("set-lost.edn", R"({:process 0 :type :invoke :f :add :value 1}
{:process 0 :type :ok :f :add :value 1}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value #{1}}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value #{}}
)");
  const CommandRun run = simlab_check("--model set-full " + lost);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("invalid: 1 lost"), std::string::npos) << run.output;
  const CommandRun json = simlab_check("--model=set-full --json " + lost);
  EXPECT_EQ(nlohmann::json::parse(json.output)["lost-count"], 1) << json.output;

  const std::string counter =
      temp_file("counter.edn", R"({:process 0 :type :invoke :f :add :value 2}
{:process 0 :type :ok :f :add :value 2}
{:process 1 :type :invoke :f :read :final? true}
{:process 1 :type :ok :f :read :value 2 :final? true}
)");
  const CommandRun valid = simlab_check("--model g-counter " + counter);
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  EXPECT_NE(valid.output.find("valid: no anomalies; g-counter"), std::string::npos) << valid.output;
  EXPECT_EQ(simlab_check("--model pn-counter --linearizable " + counter).exit_code, 64);
}

// --model convergence, causal and session judge the same files with the
// same exit codes, and a repeated value is bad input naming its line.
TEST_F(CmdCheck, TheConvergenceCausalAndSessionModelsJudgeTheirHistories) {
  const std::string diverged =
      temp_file("diverged.edn",
                R"({:process 0 :type :invoke :f :read :final? true :node "n1"}
{:process 0 :type :ok :f :read :value #{1 2} :final? true}
{:process 1 :type :invoke :f :read :final? true :node "n2"}
{:process 1 :type :ok :f :read :value #{2} :final? true}
)");
  const CommandRun convergence = simlab_check("--model convergence " + diverged);
  EXPECT_EQ(convergence.exit_code, 1) << convergence.output;
  EXPECT_NE(convergence.output.find("n2 read 1 elements, lacking {1}"), std::string::npos)
      << convergence.output;
  const std::string own_write_lost =
      temp_file("ryw.edn", R"({:process 0 :type :invoke :f :write :value 1}
{:process 0 :type :ok :f :write :value 1}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value 1}
{:process 1 :type :invoke :f :write :value 2}
{:process 1 :type :ok :f :write :value 2}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value 1}
)");
  const CommandRun causal = simlab_check("--model causal " + own_write_lost);
  EXPECT_EQ(causal.exit_code, 1) << causal.output;
  EXPECT_NE(causal.output.find("invalid: 1 write-co-read (causal checked)"), std::string::npos)
      << causal.output;
  const CommandRun session = simlab_check("--model session --json " + own_write_lost);
  EXPECT_EQ(nlohmann::json::parse(session.output)["counts"]["read-your-writes"], 1)
      << session.output;
  const std::string twice = temp_file("twice.edn", R"({:process 0 :type :invoke :f :write :value 1}
{:process 0 :type :ok :f :write :value 1}
{:process 1 :type :invoke :f :write :value 1}
)");
  const CommandRun refused = simlab_check("--model causal " + twice);
  EXPECT_EQ(refused.exit_code, 65) << refused.output;
  EXPECT_NE(refused.output.find(twice + ":3: the value 1 is written twice"), std::string::npos)
      << refused.output;
}

TEST_F(CmdCheck, ASetFullOpOfAnotherShapeNamesTheFileAndLine) {
  const std::string file = temp_file("set-bad.edn",
                                     "{:process 0 :type :invoke :f :add :value 1}\n"
                                     "{:process 0 :type :ok :f :add :value 1}\n"
                                     "{:process 0 :type :invoke :f :write :value 1}\n");
  expect_run("--model set-full " + file, 65,
             file + ":3: expected f add, remove or read for --model set-full, found f \"write\"\n");
}

TEST_F(CmdCheck, BadFlagsExit64) {
  EXPECT_EQ(simlab_check("--model nosuch " + kJepsen + "etcd_002.log").exit_code, 64);
  EXPECT_EQ(simlab_check(kJepsen + "etcd_002.log").exit_code, 64);
  EXPECT_EQ(simlab_check("--model register --format xml " + kJepsen + "etcd_002.log").exit_code, 64);
  EXPECT_EQ(simlab_check("--model register --init '[1' " + kJepsen + "etcd_002.log").exit_code, 64);
  EXPECT_EQ(simlab_check("--model register").exit_code, 64);
}

TEST_F(CmdCheck, RunningOutOfTimeExitsTwo) {
  simlab::linearizability::SyntheticOptions options;
  options.model = simlab::linearizability::SyntheticModel::queue;
  options.processes = 12;
  options.ops = 2000;
  options.info_probability = 0.05;
  std::ostringstream out;
  simlab::history::write_jsonl(simlab::linearizability::make_synthetic_history(options), out);
  const CommandRun run =
      simlab_check("--model fifo-queue --time-limit 0.05 " + temp_file("hard.jsonl", out.str()));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("unknown: "), std::string::npos) << run.output;
}

TEST_F(CmdCheck, JsonOutputIsOneObjectPerFile) {
  const CommandRun run = simlab_check("--model cas-register --json " + kJepsen + "etcd_000.log 2>/dev/null");
  EXPECT_EQ(run.exit_code, 1);
  const nlohmann::json json = nlohmann::json::parse(run.output);
  EXPECT_EQ(json["verdict"], "invalid");
  EXPECT_TRUE(json["explanation"].contains("blocked"));
  EXPECT_TRUE(json["explanation"].contains("state"));
}

}  // namespace

// The checker on small hand-written histories: each model, --init, the
// explanation, budgets, and ops a model does not know.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "checkers/history/jsonl_reader.h"
#include "checkers/linearizability/checker.h"
#include "checkers/linearizability/partition.h"
#include "checkers/linearizability/synthetic_history.h"

namespace simlab::linearizability {
namespace {

using history::Value;

// "p invoke f value" / "p ok f value" lines, compact for hand-written histories.
history::History parse(std::initializer_list<const char*> lines) {
  std::string jsonl;
  for (const char* line : lines) {
    char type[16];
    char f[16];
    char value[128] = "null";
    int process = 0;
    char key[32] = "";
    const int fields = std::sscanf(line, "%d %15s %15s %127s %31s", &process, type, f, value, key);
    EXPECT_GE(fields, 3) << line;
    jsonl += "{\"process\":" + std::to_string(process) + ",\"type\":\"" + type + "\",\"f\":\"" + f +
             "\",\"value\":" + value + (fields == 5 ? std::string(",\"key\":") + key : "") + "}\n";
  }
  return history::read_jsonl(jsonl, "test.jsonl");
}

CheckResult check(const history::History& history, const char* model, Value init = Value(), CheckOptions options = {}) {
  return check_linearizability(history, *make_model_factory(model, init), options);
}

TEST(Models, RegisterReadsTheLastWrite) {
  EXPECT_EQ(check(parse({"0 invoke write 1", "0 ok write 1", "1 invoke read", "1 ok read 1"}), "register").verdict, Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke write 1", "0 ok write 1", "1 invoke read", "1 ok read 2"}), "register").verdict, Verdict::invalid);
  // Concurrent with the write, either value may be read.
  EXPECT_EQ(check(parse({"0 invoke write 1", "1 invoke read", "1 ok read null", "0 ok write 1"}), "register").verdict, Verdict::valid);
}

TEST(Models, InitialValueComesFromInit) {
  const auto history = parse({"1 invoke read", "1 ok read 0"});
  EXPECT_EQ(check(history, "register").verdict, Verdict::invalid);
  EXPECT_EQ(check(history, "register", Value::integer(0)).verdict, Verdict::valid);
}

TEST(Models, CasRegisterAppliesCasOnlyFromTheExpectedValue) {
  EXPECT_EQ(check(parse({"0 invoke write 1", "0 ok write 1", "0 invoke cas [1,2]", "0 ok cas [1,2]", "1 invoke read", "1 ok read 2"}), "cas-register").verdict, Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke cas [1,2]", "0 ok cas [1,2]"}), "cas-register").verdict, Verdict::invalid);
  // A failed cas did not happen; an unknown one may have.
  EXPECT_EQ(check(parse({"0 invoke write 1", "0 ok write 1", "0 invoke cas [1,2]", "0 fail cas [1,2]", "1 invoke read", "1 ok read 1"}), "cas-register").verdict, Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke write 1", "0 ok write 1", "0 invoke cas [1,2]", "0 info cas [1,2]", "1 invoke read", "1 ok read 2"}), "cas-register").verdict, Verdict::valid);
  EXPECT_THROW(check(parse({"0 invoke cas 3", "0 ok cas 3"}), "cas-register"), ModelError);
  EXPECT_THROW(check(parse({"0 invoke cas [1,2]", "0 ok cas [1,2]"}), "register"), ModelError);
}

TEST(Models, KvSplitsByKeyAndTreatsAnAbsentKeyAsEmpty) {
  EXPECT_EQ(check(parse({"0 invoke get null \"a\"", "0 ok get \"\" \"a\"", "0 invoke append \"x\" \"a\"", "0 ok append \"x\" \"a\"",
                         "0 invoke append \"y\" \"b\"", "0 ok append \"y\" \"b\"", "1 invoke get null \"a\"", "1 ok get \"x\" \"a\""}),
                  "kv").verdict,
            Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke append \"x\" \"a\"", "0 ok append \"x\" \"a\"", "1 invoke get null \"a\"", "1 ok get \"xx\" \"a\""}), "kv").verdict,
            Verdict::invalid);
  EXPECT_EQ(check(parse({"0 invoke put \"p\" \"a\"", "0 ok put \"p\" \"a\"", "0 invoke cas [\"p\",3] \"a\"", "0 ok cas [\"p\",3] \"a\"",
                         "1 invoke read null \"a\"", "1 ok read 3 \"a\""}),
                  "kv").verdict,
            Verdict::valid);
}

TEST(Models, SetQueueCounterMutex) {
  EXPECT_EQ(check(parse({"0 invoke add 1", "0 ok add 1", "1 invoke read", "1 ok read [1]"}), "set").verdict, Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke add 1", "0 ok add 1", "1 invoke read", "1 ok read []"}), "set").verdict, Verdict::invalid);
  EXPECT_EQ(check(parse({"0 invoke enqueue 1", "0 ok enqueue 1", "0 invoke enqueue 2",
                         "0 ok enqueue 2", "1 invoke dequeue", "1 ok dequeue 1"}),
                  "fifo-queue")
                .verdict,
            Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke enqueue 1", "0 ok enqueue 1", "0 invoke enqueue 2",
                         "0 ok enqueue 2", "1 invoke dequeue", "1 ok dequeue 2"}),
                  "fifo-queue")
                .verdict,
            Verdict::invalid);
  EXPECT_EQ(check(parse({"1 invoke dequeue", "1 ok dequeue null"}), "fifo-queue").verdict,
            Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke add 2", "0 ok add 2", "0 invoke increment", "0 ok increment", "1 invoke read", "1 ok read 3"}), "counter").verdict, Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke add 2", "0 ok add 2", "1 invoke read", "1 ok read 1"}), "counter").verdict, Verdict::invalid);
  EXPECT_EQ(check(parse({"0 invoke acquire", "0 ok acquire", "0 invoke release", "0 ok release", "1 invoke acquire", "1 ok acquire"}), "mutex").verdict, Verdict::valid);
  EXPECT_EQ(check(parse({"0 invoke acquire", "0 ok acquire", "1 invoke acquire", "1 ok acquire"}), "mutex").verdict, Verdict::invalid);
}

TEST(Explanation, NamesTheStuckOpThePrefixTheStateAndConcurrentOps) {
  const auto history = parse({"0 invoke write 1", "0 ok write 1", "0 invoke write 2", "0 ok write 2", "1 invoke read",
                              "2 invoke write 3", "2 ok write 3", "1 ok read 1"});
  const CheckResult result = check(history, "register", Value(), CheckOptions{.fast_path = false});
  ASSERT_EQ(result.verdict, Verdict::invalid);
  ASSERT_TRUE(result.explanation && result.explanation->blocked);
  const Explanation& explanation = *result.explanation;
  EXPECT_EQ(explanation.blocked->invoke_index, 4);  // the read of 1 comes after write 2
  EXPECT_EQ(explanation.prefix_length, 3u);         // write 1, write 2, write 3
  EXPECT_EQ(explanation.state, "3");
  ASSERT_EQ(explanation.concurrent.size(), 1u);  // write 3 overlaps the read
  EXPECT_EQ(explanation.concurrent[0].invoke_index, 5);
  const nlohmann::json json = explanation_json(explanation);
  EXPECT_EQ(json["blocked"]["invoke_index"], 4);
  EXPECT_EQ(json["prefix_length"], 3);
  EXPECT_EQ(json["state"], "3");
  EXPECT_EQ(json["prefix_tail"].size(), 3u);
  EXPECT_NE(explanation_text(explanation).find("cannot place: #4 process 1 read -> ok 1"), std::string::npos);
}

TEST(Explanation, FastPathRefutationsCarryTheirReason) {
  const auto history = parse({"0 invoke write 1", "0 ok write 1", "1 invoke read", "1 ok read 7"});
  const CheckResult result = check(history, "register");
  ASSERT_EQ(result.verdict, Verdict::invalid);
  EXPECT_EQ(result.stats.fast_path_partitions, 1u);
  EXPECT_NE(result.reason.find("saw 7, which no op wrote"), std::string::npos) << result.reason;
  ASSERT_TRUE(result.explanation && result.explanation->blocked);  // and the search's details
}

history::History hard_queue_history() {
  SyntheticOptions options;
  options.model = SyntheticModel::queue;
  options.processes = 12;
  options.ops = 2000;
  options.info_probability = 0.05;
  return make_synthetic_history(options);
}

TEST(Budget, RunningOutOfTimeGivesUnknownWithTheReason) {
  CheckOptions options;
  options.time_limit = std::chrono::milliseconds(50);
  const CheckResult result = check(hard_queue_history(), "fifo-queue", Value(), options);
  ASSERT_EQ(result.verdict, Verdict::unknown);
  EXPECT_NE(result.reason.find("wall-clock safety limit"), std::string::npos) << result.reason;
  EXPECT_TRUE(result.safety_net) << "a verdict the wall clock decided says so";
}

// The work budget decides the same way on any machine and at any load: the
// same history and budget give the same reason, step count included.
TEST(Budget, RunningOutOfWorkGivesTheSameUnknownEveryTime) {
  CheckOptions options;
  options.search_steps_max = 100'000;
  const CheckResult first = check(hard_queue_history(), "fifo-queue", Value(), options);
  const CheckResult second = check(hard_queue_history(), "fifo-queue", Value(), options);
  ASSERT_EQ(first.verdict, Verdict::unknown);
  EXPECT_FALSE(first.safety_net);
  EXPECT_NE(first.reason.find("work budget of 100000 search steps"), std::string::npos)
      << first.reason;
  EXPECT_EQ(first.reason, second.reason);
  EXPECT_EQ(first.stats.search_steps, second.stats.search_steps);
}

TEST(Budget, RunningOutOfMemoryGivesUnknownWithTheReason) {
  CheckOptions options;
  options.memory_limit_bytes = 1 << 16;
  const CheckResult result = check(hard_queue_history(), "fifo-queue", Value(), options);
  ASSERT_EQ(result.verdict, Verdict::unknown);
  EXPECT_NE(result.reason.find("memory limit"), std::string::npos) << result.reason;
}

TEST(Partitioning, FailedOpsAndUnknownReadsAreDropped) {
  const auto partitions = partition_history(
      parse({"0 invoke write 1 \"a\"", "0 fail write 1 \"a\"", "1 invoke read null \"a\"", "1 info read null \"a\"",
             "2 invoke write 2 \"b\""}),
      *make_model_factory("kv", Value()));
  ASSERT_EQ(partitions.size(), 1u);  // key "a" kept nothing, so only "b" has ops
  EXPECT_EQ(partitions[0].key, Value::string("b"));
  ASSERT_EQ(partitions[0].ops.size(), 1u);
  EXPECT_EQ(partitions[0].ops[0].return_position, kOpenReturn);
}

}  // namespace
}  // namespace simlab::linearizability

// The queue checker's explanation for a run page (explanation_json): the
// counts and examples, and a lane of offset cells per key the anomalies
// name, with the values, the ops that wrote and read each offset, the
// anomaly marks, and what was cut to keep it small. Hand-made histories in
// Jepsen's kafka EDN shape.
#include "checkers/queue/queue_explanation.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "checkers/history/history_format.h"
#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_history.h"
#include "checkers/queue/queue_lanes.h"

namespace simlab::queue {
namespace {

using nlohmann::json;

QueueHistory compile_edn(const std::string& text) {
  const auto ops = history::read_history(text, history::Format::edn, "test.edn");
  CompiledQueue compiled = compile_queue_history(ops);
  EXPECT_FALSE(compiled.error.has_value()) << compiled.error->what;
  return std::move(compiled.history);
}

json explain_edn(const std::string& text) {
  const QueueHistory history = compile_edn(text);
  return explanation_json(history, check_queue(history));
}

// Key 1: 11 acknowledged at offset 1 but never polled, though a poll read
// offset 2 (lost-write); another poll read 10 at offset 3 too (duplicate).
// Key 2: a poll read 21 where 20 was acknowledged (inconsistent-offsets);
// nothing ever saw its offset 1.
constexpr const char* kThreeAnomalies = R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 1 11] [:send 1 12]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 1 [1 11]] [:send 1 [2 12]]]}
{:process 2 :type :invoke :f :poll :value [[:poll]]}
{:process 2 :type :ok :f :poll :value [[:poll {1 [[0 10]]}]]}
{:process 3 :type :invoke :f :poll :value [[:poll]]}
{:process 3 :type :ok :f :poll :value [[:poll {1 [[2 12]]}]]}
{:process 4 :type :invoke :f :poll :value [[:poll]]}
{:process 4 :type :ok :f :poll :value [[:poll {1 [[3 10]]}]]}
{:process 0 :type :invoke :f :send :value [[:send 2 20] [:send 2 22]]}
{:process 0 :type :ok :f :send :value [[:send 2 [0 20]] [:send 2 [2 22]]]}
{:process 1000 :type :invoke :f :poll :value [[:poll]]}
{:process 1000 :type :ok :f :poll :value [[:poll {2 [[0 21]]}]]}
)";

TEST(QueueExplanation, SaysItIsTheQueuesWithTheCountsAndExamples) {
  const json explanation = explain_edn(kThreeAnomalies);
  EXPECT_EQ(explanation["checker"], "queue");
  EXPECT_EQ(explanation["verdict"], "invalid");
  EXPECT_EQ(explanation["counts"],
            json::object({{"duplicate", 1}, {"inconsistent-offsets", 1}, {"lost-write", 1}}));
  ASSERT_EQ(explanation["anomalies"].size(), 3u);
  EXPECT_EQ(explanation["anomalies"][0]["name"], "duplicate");
  EXPECT_EQ(explanation["cut"], json::object({{"anomalies", 0}, {"keys", 0}}));
  EXPECT_FALSE(explanation.contains("blocked"))
      << "the causal story and shrinking take a `blocked` op for linearizability's";
}

TEST(QueueExplanation, EachNamedKeyIsALaneOfEveryOffsetFromZero) {
  const json explanation = explain_edn(kThreeAnomalies);
  ASSERT_EQ(explanation["lanes"].size(), 2u);
  const json& one = explanation["lanes"][0];
  EXPECT_EQ(one["key"], "1") << "in the order the anomalies name the keys";
  EXPECT_EQ(one["end"], 4);
  EXPECT_EQ(one["from"], 0);
  EXPECT_EQ(one["to"], 4);
  EXPECT_EQ(one["cut"], false);
  ASSERT_EQ(one["cells"].size(), 4u);
  const json& zero = one["cells"][0];
  EXPECT_EQ(zero["offset"], 0);
  EXPECT_EQ(zero["values"], json::array({"10"}));
  EXPECT_EQ(zero["writes"], json::parse(R"([{"op": 0, "process": 0, "value": "10"}])"));
  EXPECT_EQ(zero["reads"], json::parse(R"([{"op": 2, "process": 2, "value": "10"}])"));
  EXPECT_EQ(one["cells"][2]["reads"], json::parse(R"([{"op": 4, "process": 3, "value": "12"}])"));
  EXPECT_EQ(one["cells"][3]["reads"], json::parse(R"([{"op": 6, "process": 4, "value": "10"}])"));
  EXPECT_EQ(one["cells"][3]["writes"], json::array()) << "no send put 10 there";
  EXPECT_EQ(one["cells"][1]["reads"], json::array()) << "the lost write: nobody read it";
  const json& two = explanation["lanes"][1];
  EXPECT_EQ(two["key"], "2");
  ASSERT_EQ(two["cells"].size(), 3u);
  EXPECT_EQ(two["cells"][0]["values"], json::array({"20", "21"}));
  EXPECT_EQ(two["cells"][1]["values"], json::array()) << "a gap no send or poll saw";
  EXPECT_EQ(two["cells"][1]["marks"], json::array());
}

TEST(QueueExplanation, TwoValuesALostWriteAndADuplicateMarkTheirCells) {
  const json explanation = explain_edn(kThreeAnomalies);
  const json& one = explanation["lanes"][0];
  EXPECT_EQ(one["cells"][0]["marks"], json::array({"duplicate"}));
  EXPECT_EQ(one["cells"][1]["marks"], json::array({"lost-write"}));
  EXPECT_EQ(one["cells"][2]["marks"], json::array());
  EXPECT_EQ(one["cells"][3]["marks"], json::array({"duplicate"}));
  EXPECT_EQ(one["marked"], json::object({{"duplicate", 2}, {"lost-write", 1}}));
  const json& two = explanation["lanes"][1];
  EXPECT_EQ(two["cells"][0]["marks"], json::array({"inconsistent-offsets"}));
  EXPECT_EQ(two["marked"], json::object({{"inconsistent-offsets", 1}}));
}

TEST(QueueExplanation, TheFinalDrainsReadsSaySo) {
  const json explanation = explain_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10] [:send 1 11]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]] [:send 1 [1 11]]]}
{:process 1000 :type :invoke :f :final-poll :value [[:poll]]}
{:process 1000 :type :ok :f :final-poll :value [[:poll {1 [[0 10]]}]]}
)");
  ASSERT_EQ(explanation["lanes"].size(), 1u);
  const json& cells = explanation["lanes"][0]["cells"];
  EXPECT_EQ(cells[0]["reads"],
            json::parse(R"([{"op": 2, "process": 1000, "value": "10", "final": true}])"));
  EXPECT_EQ(cells[1]["marks"], json::array({"lost-write"}));
}

// A send whose completion carried no offset cannot sit on the lane.
TEST(QueueExplanation, ALostSendWithoutAnOffsetIsUnplaced) {
  const json explanation = explain_edn(R"(
{:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 0 :type :ok :f :send :value [[:send 1 10]]}
{:process 1000 :type :invoke :f :final-poll :value [[:poll]]}
{:process 1000 :type :ok :f :final-poll :value [[:poll {1 []}]]}
)");
  ASSERT_EQ(explanation["lanes"].size(), 1u);
  const json& lane = explanation["lanes"][0];
  EXPECT_EQ(lane["end"], 0);
  EXPECT_EQ(lane["cells"], json::array());
  ASSERT_EQ(lane["unplaced"].size(), 1u);
  EXPECT_EQ(lane["unplaced"][0]["name"], "lost-write");
}

// One op sending `count` values to key 1 at offsets 0..count-1, and a poll
// reading them all back but with other values at `changed`.
std::string long_lane(int count, const std::vector<int>& changed) {
  std::string sends, acks, records;
  for (int offset = 0; offset < count; ++offset) {
    const bool other = std::find(changed.begin(), changed.end(), offset) != changed.end();
    sends += fmt::format("[:send 1 {}] ", 1000 + offset);
    acks += fmt::format("[:send 1 [{} {}]] ", offset, 1000 + offset);
    records += fmt::format("[{} {}] ", offset, (other ? 5000 : 1000) + offset);
  }
  return fmt::format(R"(
{{:process 0 :type :invoke :f :send :value [{}]}}
{{:process 0 :type :ok :f :send :value [{}]}}
{{:process 1 :type :invoke :f :poll :value [[:poll]]}}
{{:process 1 :type :ok :f :poll :value [[:poll {{1 [{}]}}]]}}
)",
                     sends, acks, records);
}

TEST(QueueExplanation, ALongLaneShowsAWindowAroundItsFirstAnomalyAndSaysItWasCut) {
  const json explanation = explain_edn(long_lane(200, {100, 180}));
  ASSERT_EQ(explanation["lanes"].size(), 1u);
  const json& lane = explanation["lanes"][0];
  const LaneLimits limits;
  EXPECT_EQ(lane["end"], 200);
  EXPECT_EQ(lane["cut"], true);
  EXPECT_EQ(lane["from"], 100 - limits.offsets_before);
  EXPECT_EQ(lane["to"], 100 - limits.offsets_before + limits.offsets_max);
  ASSERT_EQ(lane["cells"].size(), static_cast<std::size_t>(limits.offsets_max));
  EXPECT_EQ(lane["cells"][limits.offsets_before]["offset"], 100);
  EXPECT_EQ(lane["cells"][limits.offsets_before]["marks"],
            json::array({"inconsistent-offsets", "lost-write"}))
      << "the poll read another value there, and the acknowledged one nowhere";
  EXPECT_EQ(lane["marked"], json::object({{"inconsistent-offsets", 2}, {"lost-write", 2}}))
      << "the whole lane's";
  EXPECT_EQ(lane["marked-outside"], 1) << "offset 180";
  const json near_end = explain_edn(long_lane(200, {198}));
  EXPECT_EQ(near_end["lanes"][0]["from"], 200 - limits.offsets_max) << "the window ends at the end";
  EXPECT_EQ(near_end["lanes"][0]["to"], 200);
}

TEST(QueueExplanation, AtMostFourLanesAndTwentyExamplesWithTheFirstOfEachKind) {
  std::string text;
  for (int key = 0; key < 30; ++key) {  // key k: 10 at offset 0, read as 11
    text += fmt::format(R"({{:process 0 :type :invoke :f :send :value [[:send {0} 10]]}}
{{:process 0 :type :ok :f :send :value [[:send {0} [0 10]]]}}
{{:process 1 :type :invoke :f :poll :value [[:poll]]}}
{{:process 1 :type :ok :f :poll :value [[:poll {{{0} [[0 11]]}}]]}}
)",
                        key);
  }
  text += R"({:process 0 :type :invoke :f :send :value [[:send 99 10] [:send 99 11]]}
{:process 0 :type :ok :f :send :value [[:send 99 [0 10]] [:send 99 [1 11]]]}
{:process 1 :type :invoke :f :poll :value [[:poll]]}
{:process 1 :type :ok :f :poll :value [[:poll {99 [[1 11]]}]]}
)";
  const json explanation = explain_edn(text);
  EXPECT_EQ(explanation["counts"], json::object({{"inconsistent-offsets", 30}, {"lost-write", 1}}));
  ASSERT_EQ(explanation["anomalies"].size(), kExplainedAnomaliesMax);
  EXPECT_EQ(explanation["anomalies"].back()["name"], "lost-write")
      << "the only lost-write is listed, though 20 inconsistent-offsets came first";
  EXPECT_EQ(explanation["cut"]["anomalies"], 31 - kExplainedAnomaliesMax);
  EXPECT_EQ(explanation["lanes"].size(), LaneLimits{}.keys_max);
  // The keys the checker's kept examples name: 20 of the 30, and 99.
  EXPECT_EQ(explanation["cut"]["keys"], kExamplesMax + 1 - LaneLimits{}.keys_max);
}

// An offset every consumer read keeps the read that saw another value.
TEST(QueueExplanation, ACellListsAFewOpsButOneForEachValue) {
  std::string text = R"({:process 0 :type :invoke :f :send :value [[:send 1 10]]}
{:process 0 :type :ok :f :send :value [[:send 1 [0 10]]]}
)";
  for (int process = 1; process <= 9; ++process) {
    text += fmt::format(R"({{:process {0} :type :invoke :f :poll :value [[:poll]]}}
{{:process {0} :type :ok :f :poll :value [[:poll {{1 [[0 10]]}}]]}}
)",
                        process);
  }
  text += R"({:process 1000 :type :invoke :f :final-poll :value [[:poll]]}
{:process 1000 :type :ok :f :final-poll :value [[:poll {1 [[0 11]]}]]}
)";
  const json explanation = explain_edn(text);
  const json& cell = explanation["lanes"][0]["cells"][0];
  const std::size_t listed = cell["writes"].size() + cell["reads"].size();
  EXPECT_EQ(listed, LaneLimits{}.accesses_max);
  EXPECT_EQ(cell["left-out"], 11 - LaneLimits{}.accesses_max);
  EXPECT_EQ(cell["reads"].back()["value"], "11") << "the drain's read of the other value";
  EXPECT_EQ(cell["reads"].back()["final"], true);
  EXPECT_EQ(cell["values"], json::array({"10", "11"}));
}

TEST(QueueLanes, LimitsAreTheCallersToChoose) {
  const QueueHistory history = compile_edn(long_lane(30, {20}));
  LaneLimits limits;
  limits.offsets_max = 10;
  limits.offsets_before = 2;
  const Lanes lanes = lanes_of(history, check_queue(history), limits);
  ASSERT_EQ(lanes.lanes.size(), 1u);
  EXPECT_EQ(lanes.lanes[0].from, 18);
  EXPECT_EQ(lanes.lanes[0].to, 28);
  EXPECT_TRUE(lanes.lanes[0].cut());
  EXPECT_EQ(lanes.keys_left_out, 0u);
}

}  // namespace
}  // namespace simlab::queue

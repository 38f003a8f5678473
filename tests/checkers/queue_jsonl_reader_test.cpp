// The JSONL queue reader (simdjson, no Value trees) against the general way
// (history::read_jsonl, then compile_queue_history): the same compiled ops
// on every file both accept, and it gives up on every file the general way
// rejects, so `simlab check --model queue` can trust either.
#include "checkers/queue/queue_jsonl_reader.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "checkers/history/jsonl_reader.h"
#include "checkers/history/parse_error.h"
#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_history.h"

namespace simlab::queue {
namespace {

// A compiled history as text, atoms spelt out, so two histories with
// different atom tables compare.
std::string describe(const QueueHistory& history) {
  std::string out;
  for (const QueueOp& op : history.ops) {
    out += std::to_string(op.invoke_index) + "/" + std::to_string(op.complete_index) + " p" +
           std::to_string(op.process) + " " + queue_f_name(op.f) + " status" +
           std::to_string(static_cast<int>(op.status)) + " line" + std::to_string(op.line);
    for (const Send& send : op.sends) {
      out += " send " + history.text(send.key) + "=" + history.text(send.value) + "@" +
             (send.offset ? std::to_string(*send.offset) : "?");
    }
    for (const Poll& poll : op.polls) {
      out += " poll " + history.text(poll.key) + ":";
      for (const Record& record : poll.records)
        out += " " + std::to_string(record.offset) + "=" + history.text(record.value);
    }
    out += "\n";
  }
  return out;
}

// The general way's compiled history, or nullopt when it rejects the text.
std::optional<QueueHistory> general(const std::string& text) {
  try {
    CompiledQueue compiled = compile_queue_history(history::read_jsonl(text, "t.jsonl"));
    if (compiled.error) return std::nullopt;
    return std::move(compiled.history);
  } catch (const history::ParseError&) {
    return std::nullopt;
  }
}

std::optional<QueueHistory> fast(std::string text) { return read_queue_jsonl(text); }

constexpr const char* kMixed =
    R"({"index":0,"time":5,"process":0,"type":"invoke","f":"send","value":[["send",1,10],["send","a",true]]}

{"process":0,"type":"ok","f":"send","key":3,"extra":[null,"x"],"value":[["send",1,[0,10]],["send","a",[null,true]]]}
{"process":true,"type":"invoke","f":"assign","value":[1,"a"]}
{"process":1,"type":"ok","f":"assign","value":[1,"a"]}
{"process":1,"type":"invoke","f":"poll","value":[["poll"]]}
{"process":1,"type":"ok","f":"poll","value":[["poll",[[1,[[0,10]]],["a",[[0,["l",2]],[1,null]]]]]]}
{"process":2,"type":"invoke","f":"txn","value":[["send",4611686018427387904,"\"q\""],["poll"]]}
{"process":2,"type":"info","f":"txn","value":null}
{"process":3,"type":"invoke","f":"send","type":"invoke","value":[["send",-7,-8]]}
{"process":3,"type":"fail","f":"send"}
)";

TEST(QueueJsonlReader, CompilesWhatTheGeneralWayCompiles) {
  const auto expected = general(kMixed);
  ASSERT_TRUE(expected.has_value());
  const auto got = fast(kMixed);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(describe(*got), describe(*expected));
  EXPECT_NE(describe(*got).find("send \"a\"=1@?"), std::string::npos) << "true reads as 1";
  EXPECT_NE(describe(*got).find("1=nil"), std::string::npos);
  EXPECT_NE(describe(*got).find("0=[\"l\" 2]"), std::string::npos) << "a list value as EDN";
  EXPECT_NE(describe(*got).find("4611686018427387904=\"\\\"q\\\"\""), std::string::npos)
      << "a huge integer and a quoted string keep their texts";
}

TEST(QueueJsonlReader, LeavesTheTextAsItWas) {
  std::string text = kMixed;
  ASSERT_TRUE(read_queue_jsonl(text).has_value());
  EXPECT_EQ(text, kMixed);
}

// Each of these the general way rejects; the fast reader must give up.
TEST(QueueJsonlReader, GivesUpOnEveryFileTheGeneralWayRejects) {
  const std::string send = R"({"process":0,"type":"invoke","f":"send","value":[["send",1,10]]})";
  const std::string bad[] = {
      R"({"process":0,"type":"invoke","f":"send","value":[["send",1,1.5]]})",
      R"({"process":0,"type":"invoke","f":"send","value":[["send",1,{"a":1}]]})",
      R"({"process":0,"type":"invoke","f":"send","time":1.5,"value":[["send",1,1]]})",
      R"({"process":0,"type":"invoke","f":"send","other":{"a":1},"value":[["send",1,1]]})",
      R"({"process":18446744073709551615,"type":"invoke","f":"send","value":[["send",1,1]]})",
      R"({"type":"invoke","f":"send","value":[["send",1,1]]})",
      R"({"process":0,"type":"begin","f":"send","value":[["send",1,1]]})",
      R"({"process":0,"type":"invoke","f":7,"value":[["send",1,1]]})",
      R"({"process":0,"type":"invoke","f":"enqueue","value":1})",
      R"({"process":0,"type":"invoke","f":"send","value":[["send",1]]})",
      R"({"process":0,"type":"invoke","f":"send","value":[["push",1,1]]})",
      R"([1,2])",
      R"({"process":0,"type":"invoke","f":"send"} {"process":1})",
      R"({"process":0,"type":"invoke","f":"send","value":[["send",1,1]])",
      send + "\n" + send,                                                    // invoked twice
      R"({"process":0,"type":"ok","f":"send","value":[["send",1,[0,1]]]})",  // no invocation
      send + "\n" + R"({"process":0,"type":"ok","f":"poll","value":[["poll",[]]]})",
      send + "\n" + R"({"process":0,"type":"ok","f":"send","value":[["send",1,[0.5,1]]]})",
      R"({"process":1,"type":"invoke","f":"poll","value":[["poll"]]})"
      "\n" +
          std::string(R"({"process":1,"type":"ok","f":"poll","value":[["poll",[[1,[[0]]]]]]})"),
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(general(text).has_value()) << "the general way accepts " << text;
    EXPECT_FALSE(fast(text).has_value()) << "the fast reader accepts " << text;
  }
}

TEST(QueueJsonlReader, JudgesLikeTheGeneralWay) {
  const std::string lost =
      R"({"process":0,"type":"invoke","f":"send","value":[["send",1,10],["send",1,11]]}
{"process":0,"type":"ok","f":"send","value":[["send",1,[0,10]],["send",1,[1,11]]]}
{"process":1,"type":"invoke","f":"poll","value":[["poll"]]}
{"process":1,"type":"ok","f":"poll","value":[["poll",[[1,[[1,11],[1,12]]]]]]}
)";
  const auto result = check_queue(*fast(lost));
  const auto expected = check_queue(*general(lost));
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.counts, expected.counts);
  ASSERT_EQ(result.anomalies.size(), expected.anomalies.size());
  for (std::size_t i = 0; i < result.anomalies.size(); ++i) {
    EXPECT_EQ(result.anomalies[i].detail, expected.anomalies[i].detail);
    EXPECT_EQ(result.anomalies[i].values, expected.anomalies[i].values);
  }
  EXPECT_EQ(result.counts.at("lost-write"), 1u);
  EXPECT_EQ(result.counts.at("inconsistent-offsets"), 1u);
}

// Every one-character edit of a small history (a deletion, or one of a few
// characters that matter to JSON put in its place): the fast reader accepts
// exactly the edits the general way accepts, and compiles them the same.
TEST(QueueJsonlReader, AgreesWithTheGeneralWayOnEveryOneCharacterEdit) {
  const std::string base =
      R"({"process":0,"type":"invoke","f":"send","value":[["send",1,10],["send","k",2]]}
{"process":0,"type":"ok","f":"send","value":[["send",1,[0,10]],["send","k",[3,2]]]}
{"process":1,"type":"invoke","f":"poll","value":[["poll"]]}
{"process":1,"type":"ok","f":"poll","value":[["poll",[[1,[[0,10]]],["k",[[3,2]]]]]]}
)";
  std::size_t accepted = 0;
  std::size_t edits = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    std::vector<std::string> texts{base.substr(0, i) + base.substr(i + 1)};
    for (const char c : std::string("0[]{},\":.tn\n "))
      texts.push_back(base.substr(0, i) + c + base.substr(i + 1));
    for (const std::string& text : texts) {
      ++edits;
      const auto expected = general(text);
      const auto got = fast(text);
      ASSERT_EQ(got.has_value(), expected.has_value()) << text;
      if (!got) continue;
      ++accepted;
      EXPECT_EQ(describe(*got), describe(*expected)) << text;
    }
  }
  EXPECT_GT(accepted, edits / 10) << "the edits should not all break the history";
  EXPECT_LT(accepted, edits - edits / 10) << "nor all leave it readable";
}

TEST(QueueAtoms, IntegersAreThemselvesAndTextsAreInternedOnce) {
  AtomTable atoms;
  EXPECT_EQ(atoms.integer(5), atoms.integer(5));
  EXPECT_NE(atoms.integer(5), atoms.text("\"5\"")) << "the string \"5\" is not the integer 5";
  EXPECT_EQ(atoms.text("\"x\""), atoms.of(history::Value::string("x")));
  EXPECT_EQ(atoms.integer(INT64_MAX), atoms.text("9223372036854775807"))
      << "an integer past 62 bits is its text";
  EXPECT_EQ(atoms.text_of(atoms.integer(-3)), "-3");
  EXPECT_EQ(atoms.text_of(atoms.integer(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(atoms.text_of(atoms.of(history::Value())), "nil");
  EXPECT_EQ(atoms.integer((std::int64_t{1} << 62) - 1).bits & 1, 1u) << "the largest inline one";
}

}  // namespace
}  // namespace simlab::queue

// The history readers: each format, and each kind of malformed input giving
// FILE:LINE: what was expected.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "checkers/history/edn_reader.h"
#include "checkers/history/history_format.h"
#include "checkers/history/jepsen_log_reader.h"
#include "checkers/history/jsonl_reader.h"
#include "checkers/history/jsonl_writer.h"
#include "checkers/history/parse_error.h"

namespace simlab::history {
namespace {

// The ParseError a reader throws, or a failure when it throws none.
template <typename Read>
ParseError error_from(Read read) {
  try {
    read();
  } catch (const ParseError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a ParseError";
  return ParseError("none", 0, "none");
}

void expect_error(Format format, const std::string& text, std::int64_t line, const std::string& expected_part) {
  const ParseError error = error_from([&] { read_history(text, format, "h.txt"); });
  EXPECT_EQ(error.file(), "h.txt");
  EXPECT_EQ(error.line(), line) << error.what();
  EXPECT_NE(error.expected().find(expected_part), std::string::npos) << error.what();
  EXPECT_EQ(std::string(error.what()).rfind("h.txt:" + std::to_string(line) + ": ", 0), 0u) << error.what();
}

TEST(JsonlReader, ReadsOpsAndKeepsTimeKeyAndValue) {
  const History history = read_jsonl(
      "{\"index\":7,\"time\":1500,\"process\":2,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"x\",\"value\":[1,2]}\n"
      "\n"
      "{\"process\":2,\"type\":\"ok\",\"f\":\"cas\",\"value\":[1,2]}\n",
      "h.jsonl");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].index, 0);  // renumbered densely
  EXPECT_EQ(history[0].time, 1500);
  EXPECT_EQ(history[0].key, Value::string("x"));
  EXPECT_EQ(history[0].value, Value::list({Value::integer(1), Value::integer(2)}));
  EXPECT_EQ(history[1].type, OpType::ok);
  EXPECT_EQ(history[1].time, 1);  // no time: its position
  EXPECT_EQ(history[1].key, Value::string("x"));  // a completion inherits its invocation's key
}

TEST(JsonlWriter, RoundTripsThroughTheReader) {
  History history;
  Op invoke{0, 10, 1, OpType::invoke, "write", Value::string("k"), Value::integer(3)};
  Op ok{1, 20, 1, OpType::ok, "write", Value::string("k"), Value::integer(3)};
  Op pending{2, 30, 2, OpType::invoke, "read", std::nullopt, Value()};
  pending.node = "n2";  // the replica that serves it
  Op crashed{3, 40, 2, OpType::info, "read", std::nullopt, Value()};
  crashed.error = "crashed";  // why it ended so
  history = {invoke, ok, pending, crashed};
  std::ostringstream out;
  write_jsonl(history, out);
  const History back = read_jsonl(out.str(), "round.jsonl");
  ASSERT_EQ(back.size(), 4u);
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].index, history[i].index);
    EXPECT_EQ(back[i].time, history[i].time);
    EXPECT_EQ(back[i].process, history[i].process);
    EXPECT_EQ(back[i].type, history[i].type);
    EXPECT_EQ(back[i].f, history[i].f);
    EXPECT_EQ(back[i].key, history[i].key);
    EXPECT_EQ(back[i].value, history[i].value);
    EXPECT_EQ(back[i].node, history[i].node);
    EXPECT_EQ(back[i].error, history[i].error);
  }
  // An error of another shape (Jepsen's are often maps or vectors) is not ours to read.
  const History other = read_jsonl(
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n"
      "{\"process\":0,\"type\":\"info\",\"f\":\"read\",\"error\":[\"timeout\"]}\n",
      "other.jsonl");
  EXPECT_EQ(other[1].error, "");
}

// Maelstrom marks the reads after healing :final? true; JSONL says "final".
TEST(HistoryReaders, KeepAReadsFinalMarkAndTheWriterWritesItBack) {
  const History edn = read_edn(
      "{:process 0 :type :invoke :f :read :final? true}\n{:process 0 :type :ok :f :read :value 3 "
      ":final? true}\n"
      "{:process 1 :type :invoke :f :read :final? false}\n",
      "h.edn");
  ASSERT_EQ(edn.size(), 3u);
  EXPECT_TRUE(edn[0].final_read);
  EXPECT_TRUE(edn[1].final_read);
  EXPECT_FALSE(edn[2].final_read);
  std::ostringstream out;
  write_jsonl(edn, out);
  EXPECT_NE(out.str().find("\"value\":3,\"final\":true}"), std::string::npos) << out.str();
  const History back = read_jsonl(out.str(), "h.jsonl");
  EXPECT_TRUE(back[0].final_read);
  EXPECT_FALSE(back[2].final_read);
  expect_error(Format::edn, "{:process 0 :type :invoke :f :read :final? 1}\n", 1,
               ":final? to be true or false");
  expect_error(Format::jsonl,
               "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"final\":\"yes\"}\n", 1,
               "\"final\" to be true or false");
}

TEST(JsonlReader, MalformedLinesNameTheLineAndWhatWasExpected) {
  const std::string invoke = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\"}\n";
  expect_error(Format::jsonl, invoke + "{\"process\":1,\"type\":\"o", 2, "complete JSON object");
  expect_error(Format::jsonl, "{\"process\":1,\"type\":\"done\",\"f\":\"read\"}\n", 1, "invoke, ok, fail or info");
  expect_error(Format::jsonl, "\n{\"process\":1,\"type\":\"ok\",\"f\":\"read\"}\n", 2, "an invocation by process 1");
  expect_error(Format::jsonl, invoke + invoke, 2, "complete its op invoked on line 1");
  expect_error(Format::jsonl, "{\"process\":1,\"type\":\"invoke\"}\n", 1, "a string \"f\"");
  expect_error(Format::jsonl, "{\"process\":\"a\",\"type\":\"invoke\",\"f\":\"r\"}\n", 1, "\"process\" to be an integer");
  expect_error(Format::jsonl, "{\"process\":1,\"type\":\"invoke\",\"f\":\"r\",\"value\":1.5}\n", 1, "\"value\" to be null");
  expect_error(Format::jsonl, "[1,2]\n", 1, "a JSON object");
  expect_error(Format::jsonl, invoke + "{\"process\":1,\"type\":\"ok\",\"f\":\"write\"}\n", 2, "to match the invocation");
}

TEST(EdnReader, ReadsOneMapPerLineWithNestedValuesAndSkipsTheNemesis) {
  const History history = read_edn(
      "{:process 0, :type :invoke, :f :txn, :value [[:append 1 2] [:r 1 nil]]}\n"
      "{:process :nemesis, :type :info, :f :start, :value \"partition\"}\n"
      "; a comment\n"
      "{:process 0, :type :ok, :f :txn, :value [[:append 1 2] [:r 1 [2 3]]], :time 99, :error {:a 1}}\n",
      "h.edn");
  ASSERT_EQ(history.size(), 2u);
  const Value append = Value::list({Value::string("append"), Value::integer(1), Value::integer(2)});
  const Value read = Value::list({Value::string("r"), Value::integer(1), Value::list({Value::integer(2), Value::integer(3)})});
  EXPECT_EQ(history[1].value, Value::list({append, read}));
  EXPECT_EQ(history[1].time, 99);
  EXPECT_EQ(history[1].f, "txn");
}

TEST(EdnReader, ReadsAVectorOfMaps) {
  const History history =
      read_edn("[{:process 1 :type :invoke :f :read :key \"k\" :value nil}\n {:process 1 :type :ok :f :read :value -4}]", "v.edn");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].value, Value::integer(-4));
  EXPECT_EQ(history[1].key, Value::string("k"));
}

TEST(EdnReader, ElleStyleTransactionsWithoutProcessOrFunctionAreOneSequentialProcess) {
  const History history = read_edn(
      "{:index 0 :type :invoke :value [[:append 253 1] [:r 255 nil]]}\n"
      "{:index 1 :type :ok :value [[:append 253 1] [:r 255 [2]]]}\n",
      "paper.edn");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].f, "txn");
  EXPECT_EQ(history[1].process, 0);
  EXPECT_EQ(history[1].value.as_list()[1].as_list()[2].as_list()[0].as_integer(), 2);
  // Only a transaction may leave them out: a plain op still needs both.
  expect_error(Format::edn, "{:type :invoke :value 3}", 1, "a :process");
}

TEST(EdnReader, MalformedInputNamesTheLine) {
  expect_error(Format::edn, "{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok", 2, "'}' to close the op map");
  expect_error(Format::edn, "{:process 0, :type :begun, :f :read}", 1, ":invoke, :ok, :fail or :info");
  expect_error(Format::edn, "\n\n{:type :invoke, :f :read}", 3, "a :process");
  expect_error(Format::edn, "{:process 0, :type :ok, :f :read}", 1, "an invocation by process 0");
  expect_error(Format::edn, "{:process 99999999999999999999, :type :ok, :f :read}", 1, "64-bit integer");
  expect_error(Format::edn, "{:process 0, :type :invoke, :f :read, :value \"abc}", 1, "'\"' to close the string");
  expect_error(Format::edn, "[{:process 0, :type :invoke, :f :read}", 1, "']' to close the history vector");
  expect_error(Format::edn, "{:process 0, :type :invoke, :f :read, :time 1.5}", 1,
               "an integer after :time, found the float 1.5");
  expect_error(Format::edn, "(\n{:process 0, :type :invoke, :f :read}", 2,
               "')' to close the history list");
  expect_error(Format::edn, "{:process 0, :type :invoke, :f :read, :value " + std::string(300, '[') + "}", 1, "nested");
}

// Knossos's test data is a list with ; comments; Jepsen's ops may be
// records and carry nested maps, escaped strings, tags and floats.
TEST(EdnReader, ReadsKnossosListsAndJepsenRecords) {
  const History history = read_edn(
      "; two writes\n"
      "({:type :invoke, :f :write, :value 1.5, :process 0}\n"
      " #_{:type :invoke, :f :write, :value 9, :process 9}\n"
      " #jepsen.history.Op{:type :ok, :f :write, :value 1.5, :process 0, :time 12,\n"
      "   :error {:cause \"said \\\"no\\\"\\n\", :at #inst \"2024-01-01\", :tags #{:a \\b}}}\n"
      " {:type :info, :f :start, :process :nemesis, :value [\\newline \"caf\\u00e9\"]})\n",
      "knossos.edn");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].value, Value::floating(1.5));
  EXPECT_EQ(history[1].time, 12);
  EXPECT_EQ(history[0].line, 2);
  EXPECT_EQ(history[1].line, 4);  // where the op starts, though it ends on line 5
}

TEST(EdnReader, AProcessIsAnIntegerOrAKeyword) {
  expect_error(
      Format::edn, "{:process 0, :type :invoke, :f :read}\n{:process foo, :type :invoke, :f :read}",
      2, "expected :process to be an integer or a keyword such as :nemesis, found the symbol foo");
  expect_error(Format::edn, "{:process \"nemesis\", :type :info, :f :start}", 1,
               "found the string \"nemesis\"");
  expect_error(Format::edn, "{:process 1.0, :type :invoke, :f :read}", 1, "found the float 1.0");
  EXPECT_TRUE(read_edn("{:process :nemesis, :type :info, :f :start}", "n.edn").empty());
}

TEST(JepsenLogReader, ReadsTabAndSpaceSeparatedLines) {
  const History history = read_jepsen_log(
      "INFO  jepsen.core - starting\n"
      "INFO  jepsen.util - 2\t:invoke\t:cas\t[3 0]\n"
      "INFO  jepsen.util - 2   :ok     :cas    [3 0]\n"
      "INFO  jepsen.util - 4\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n"
      "INFO  jepsen.util - 4\t:fail\t:read\t:timed-out\n"
      "INFO  jepsen.util - 5\t:invoke\t:write\t1\n",
      "e.log");
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[0].process, 2);
  EXPECT_EQ(history[0].value, Value::list({Value::integer(3), Value::integer(0)}));
  EXPECT_EQ(history[3].type, OpType::info);  // a timed-out read has an unknown result
  EXPECT_EQ(history[4].type, OpType::invoke);  // pending at the end
}

TEST(JepsenLogReader, MalformedLinesNameTheLine) {
  expect_error(Format::jepsen_log, "INFO  jepsen.util - x\t:invoke\t:read\tnil\n", 1, "process number");
  expect_error(Format::jepsen_log, "\nINFO  jepsen.util - 1\t:started\t:read\tnil\n", 2, ":invoke, :ok, :fail or :info");
  expect_error(Format::jepsen_log, "INFO  jepsen.util - 1\t:invoke\tread\tnil\n", 1, "keyword such as :read");
  expect_error(Format::jepsen_log, "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2\n", 1, "']' to close the vector");
  expect_error(Format::jepsen_log, "INFO  jepsen.util - 1\t:ok\t:read\t1\n", 1, "an invocation by process 1");
}

TEST(HistoryFormat, DetectsTheFormatFromContentThenExtension) {
  EXPECT_EQ(detect_format("{\"process\":1}", "a.txt"), Format::jsonl);
  EXPECT_EQ(detect_format("{:process 1}", "a.jsonl"), Format::edn);
  EXPECT_EQ(detect_format("  [{:process 1}]", "a"), Format::edn);
  EXPECT_EQ(detect_format("({:process 1})", "a.jsonl"), Format::edn);
  EXPECT_EQ(detect_format("; Knossos\n[{:process 1}]", "a"), Format::edn);
  EXPECT_EQ(detect_format("#jepsen.history.Op{:process 1}", "a"), Format::edn);
  EXPECT_EQ(detect_format("INFO  jepsen.util - 1\t:invoke\t:read\tnil", "a"), Format::jepsen_log);
  EXPECT_EQ(detect_format("", "x.edn"), Format::edn);
  EXPECT_EQ(detect_format("", "x.log"), Format::jepsen_log);
  EXPECT_EQ(detect_format("", "x"), Format::jsonl);
  EXPECT_EQ(parse_format("jepsen-log"), Format::jepsen_log);
  EXPECT_FALSE(parse_format("xml"));
}

TEST(HistoryFormat, ReadFileReportsAMissingFile) {
  EXPECT_THROW(read_file("/nonexistent/history.jsonl"), std::system_error);
}

}  // namespace
}  // namespace simlab::history

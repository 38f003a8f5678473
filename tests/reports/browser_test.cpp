// Report pages rendered by a real browser (headless Chromium): what a person
// sees is the DOM after the page's script ran, so these tests read that DOM.
// Screenshots land in <build dir>/screenshots/ for a person to look at.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "checkers/history/jsonl_reader.h"
#include "checkers/history/op_type.h"
#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_explanation.h"
#include "checkers/queue/queue_history.h"
#include "harness/run/run_folder.h"
#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/shrink.h"
#include "harness/story/causal_story.h"
#include "harness/systems/system_registry.h"
#include "reports/index_report.h"
#include "reports/run_report.h"
#include "reports/timeline_sample.h"
#include "tests/reports/browser_support.h"
#include "tests/reports/history_support.h"

namespace simlab::reports {
namespace {

namespace fs = std::filesystem;
using history::OpType;
using history::Value;
using testing::add_op;

std::string screenshot_path(const std::string& name) {
  const fs::path dir = fs::path(SIMLAB_BINARY_DIR) / "screenshots";
  fs::create_directories(dir);
  return (dir / (name + ".png")).string();
}

std::size_t count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// Writes `page` as index.html in a fresh scratch folder `name` and returns
// the page's URL (testing::dump_dom(url) is what the browser shows).
std::string write_page(const std::string& name, const std::string& page) {
  const std::string folder = testing::scratch_dir(name);
  std::ofstream(folder + "/index.html") << page;
  return testing::file_url(folder + "/index.html");
}

// The first seed of the planted stale-read bug whose run the checker rejects.
RunOutcome failing_stale_read_run() {
  Scenario scenario = register_demo_scenario();
  scenario.bug = "register.stale-read";
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    RunOptions options;
    options.keep_trace_lines = true;
    RunOutcome outcome = run_scenario(resolve_scenario(scenario, seed), options);
    if (outcome.verdict == RunVerdict::safety_violation) return outcome;
  }
  throw std::runtime_error("no seed in 1..30 of register.stale-read was found invalid");
}

TEST(RunPageInBrowser, LinearizabilityFailureShowsVerdictTimelineExplanationAndTrace) {
  REQUIRE_BROWSER();
  const std::string folder = testing::scratch_dir("stale-read-run");
  const RunOutcome outcome = failing_stale_read_run();
  write_run_folder(folder, outcome);  // writes index.html last
  ASSERT_TRUE(fs::exists(fs::path(folder) / "index.html"));
  const std::string dom = testing::dump_dom(testing::file_url(folder + "/index.html"));
  EXPECT_NE(dom.find("data-rendered=\"run\""), std::string::npos)
      << "the page's script did not finish";
  EXPECT_TRUE(std::regex_search(dom, std::regex(R"(id="verdict"[^>]*>safety-violation<)")))
      << dom.substr(0, 3000);
  EXPECT_NE(dom.find("id=\"timeline\""), std::string::npos);
  EXPECT_GT(count(dom, R"(class="op op-ok)"), 10u) << "the timeline draws the ok ops";
  EXPECT_GT(count(dom, R"(class="fault-band")"), 0u) << "the fault bands";
  EXPECT_GT(
      count(dom, R"(<title>#\d+ process \d+ (read|write|cas)[^<]*\n(latency|no reply after) )"),
      10u)
      << "hovering an op shows the op and its latency";
  EXPECT_NE(dom.find("Why: not linearizable"), std::string::npos);
  EXPECT_GT(count(dom, "highlight-"), 0u)
      << "the ops the explanation names are highlighted on the timeline";
  EXPECT_NE(dom.find("id=\"latency\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"throughput\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"trace\""), std::string::npos);
  EXPECT_NE(dom.find("NEMESIS"), std::string::npos);
  EXPECT_NE(dom.find("simlab shrink " + folder), std::string::npos);
  EXPECT_TRUE(testing::screenshot(testing::file_url(folder + "/index.html"),
                                  screenshot_path("run-linearizability"), 1400, 2000));
}

// The CRDT store's sync merges, as the page shows them: the audit trail of
// the key the failure names (an offline replica kept an element the sync
// never told it was removed), one row per merge.
TEST(RunPageInBrowser, TheAuditTrailShowsTheMergesOfTheKeyTheFailureNames) {
  REQUIRE_BROWSER();
  Scenario scenario =
      load_scenario(std::string(SIMLAB_SOURCE_DIR) + "/scenarios/crdt-default.json");
  scenario.bug = "crdt.sync-false-in-sync";
  const RunOutcome outcome = run_scenario(resolve_scenario(scenario, 1));
  ASSERT_EQ(outcome.anomaly, "resurrected") << outcome.detail;
  ASSERT_FALSE(outcome.audit.empty());
  const std::string key = outcome.explanation["anomalies"][0]["key"].get<std::string>();
  const std::string typed = "s:" + key.substr(1, key.size() - 2);
  const auto merges = std::count_if(outcome.audit.begin(), outcome.audit.end(),
                                    [&](const AuditRecord& record) { return record.key == typed; });
  ASSERT_GT(merges, 0);
  const std::string folder = testing::scratch_dir("crdt-audit-run");
  write_run_folder(folder, outcome);
  const std::string dom = testing::dump_dom(testing::file_url(folder + "/index.html"));
  EXPECT_NE(dom.find("<h2>Audit trail</h2>"), std::string::npos) << dom.substr(0, 3000);
  EXPECT_NE(dom.find("<option value=\"" + typed + "\" selected=\"\">"), std::string::npos)
      << "the failure's key is the one shown";
  const std::size_t table = dom.find("id=\"audit\"");
  ASSERT_NE(table, std::string::npos);
  const std::string rows = dom.substr(table, dom.find("</table>", table) - table);
  EXPECT_EQ(count(rows, "<tr>"), static_cast<std::size_t>(merges) + 1) << "a header and a row each";
  EXPECT_EQ(count(rows, "sync with n"), static_cast<std::size_t>(merges));
}

TEST(RunPageInBrowser, AShrunkRunShowsItsCausalStoryAsASpaceTimeDiagram) {
  REQUIRE_BROWSER();
  const RunOutcome failing = failing_stale_read_run();
  const ShrinkResult shrunk =
      shrink(failing.scenario, failing, ShrinkBudget{}, RunOptions{}, [](const std::string&) {});
  RunOptions logged;
  logged.keep_causal_log = true;
  RunOutcome minimal = run_scenario(shrunk.minimal, logged);
  const CausalStory story = causal_story(minimal, *find_system("register")->factory);
  ASSERT_GE(story.events.size(), 3u);
  minimal.story = story_json(story);
  const std::string folder = testing::scratch_dir("shrunk-stale-read-run");
  write_run_folder(folder, minimal);
  const std::string dom = testing::dump_dom(testing::file_url(folder + "/index.html"));
  EXPECT_NE(dom.find("Causal story"), std::string::npos) << dom.substr(0, 3000);
  const auto on_a_lane =
      std::count_if(story.events.begin(), story.events.end(), [&](const auto& e) {
        return std::find(story.lanes.begin(), story.lanes.end(), e.lane) != story.lanes.end();
      });
  EXPECT_EQ(count(dom, R"(class="story-event")"), static_cast<std::size_t>(on_a_lane))
      << "a dot per event on a client's or a node's line (faults are bands)";
  EXPECT_EQ(count(dom, R"(class="story-text( anomaly)?")"), story.events.size())
      << "a line of text each";
  EXPECT_GT(count(dom, R"(class="story-arrow")"), 0u) << "requests and replies as arrows";
  EXPECT_EQ(count(dom, R"(class="story-text anomaly")"), 1u) << "the failure, marked";
  if (!story.bands.empty()) {
    EXPECT_GT(count(dom, R"(class="story-band")"), 0u) << "the faults as bands";
  }
  for (const char* lane : {">n1<", ">n2<", ">n3<"}) EXPECT_NE(dom.find(lane), std::string::npos);
  EXPECT_TRUE(testing::screenshot(testing::file_url(folder + "/index.html"),
                                  screenshot_path("run-causal-story"), 1400, 2600));
}

// Three queue anomalies on two keys (tests/checkers/queue_explanation_test.cpp
// has the same in EDN). Key 1: 11 acknowledged at offset 1 and never polled,
// though a poll read offset 2 (lost-write); 10 read at offset 3 too
// (duplicate). Key 2: 21 read where 20 was acknowledged
// (inconsistent-offsets); nothing saw its offset 1.
constexpr const char* kQueueHistory =
    R"({"index":0,"time":0,"process":0,"type":"invoke","f":"send","value":[["send",1,10],["send",1,11],["send",1,12]]}
{"index":1,"time":10,"process":0,"type":"ok","f":"send","value":[["send",1,[0,10]],["send",1,[1,11]],["send",1,[2,12]]]}
{"index":2,"time":20,"process":2,"type":"invoke","f":"poll","value":[["poll"]]}
{"index":3,"time":30,"process":2,"type":"ok","f":"poll","value":[["poll",[[1,[[0,10]]]]]]}
{"index":4,"time":40,"process":3,"type":"invoke","f":"poll","value":[["poll"]]}
{"index":5,"time":50,"process":3,"type":"ok","f":"poll","value":[["poll",[[1,[[2,12]]]]]]}
{"index":6,"time":60,"process":4,"type":"invoke","f":"poll","value":[["poll"]]}
{"index":7,"time":70,"process":4,"type":"ok","f":"poll","value":[["poll",[[1,[[3,10]]]]]]}
{"index":8,"time":80,"process":0,"type":"invoke","f":"send","value":[["send",2,20],["send",2,22]]}
{"index":9,"time":90,"process":0,"type":"ok","f":"send","value":[["send",2,[0,20]],["send",2,[2,22]]]}
{"index":10,"time":100,"process":5,"type":"invoke","f":"poll","value":[["poll"]]}
{"index":11,"time":110,"process":5,"type":"ok","f":"poll","value":[["poll",[[2,[[0,21]]]]]]}
)";

// What the run judge records for a queue finding (harness/run/judge.cpp).
RunSummary queue_summary(const history::History& history) {
  const queue::CompiledQueue compiled = queue::compile_queue_history(history);
  EXPECT_FALSE(compiled.error.has_value());
  const queue::QueueCheckResult result = queue::check_queue(compiled.history);
  EXPECT_FALSE(result.anomalies.empty());
  RunSummary summary;
  summary.title = "log-default seed 1";
  summary.system = "log";
  summary.verdict = "safety-violation";
  summary.anomaly = result.anomalies.front().name;
  summary.detail = result.anomalies.front().detail;
  summary.explanation = queue::explanation_json(compiled.history, result);
  return summary;
}

TEST(RunPageInBrowser, AQueueFindingDrawsEachKeyAsALaneOfOffsetCells) {
  REQUIRE_BROWSER();
  const history::History history = history::read_jsonl(kQueueHistory, "queue.jsonl");
  const std::string url =
      write_page("queue-run", render_run_page(queue_summary(history), history, std::nullopt));
  const std::string dom = testing::dump_dom(url);
  EXPECT_NE(dom.find("data-rendered=\"run\""), std::string::npos)
      << "the page's script did not finish";
  EXPECT_NE(dom.find("Why: the history shows duplicate (one value at two offsets)"),
            std::string::npos)
      << "the history's finding, by name";
  EXPECT_EQ(dom.find("<h2>Why: an invariant broke"), std::string::npos);
  EXPECT_EQ(count(dom, R"(<svg class="chart lane")"), 2u) << "a lane per key the anomalies name";
  EXPECT_EQ(count(dom, R"(<g class="lane-cell )"), 7u) << "offsets 0..3 of key 1, 0..2 of key 2";
  EXPECT_EQ(count(dom, R"(<g class="lane-cell state-empty")"), 1u) << "key 2's offset 1";
  EXPECT_EQ(count(dom, R"(<g class="lane-cell [^"]*mark-duplicate)"), 2u);
  EXPECT_EQ(count(dom, R"(<g class="lane-cell [^"]*mark-lost-write)"), 1u);
  EXPECT_EQ(count(dom, R"(<g class="lane-cell [^"]*mark-inconsistent-offsets)"), 1u);
  EXPECT_EQ(count(dom, R"(class="cell-badge"[^>]*>2 values<)"), 1u)
      << "the cell says what is wrong";
  EXPECT_EQ(count(dom, R"(class="cell-value"[^>]*>20/21<)"), 1u) << "both values at the offset";
  EXPECT_TRUE(std::regex_search(
      dom, std::regex(R"(<title>key 1 offset 1\nvalue: 11\nwritten by #0 process 0 \(11\)\n)"
                      R"(lost-write: an acknowledged write no poll saw</title>)")))
      << "hovering a cell shows its ops and marks";
  EXPECT_NE(dom.find("read by #2 process 2 (10)"), std::string::npos);
  const std::size_t legend = dom.find("id=\"lane-legend\"");
  ASSERT_NE(legend, std::string::npos);
  EXPECT_NE(dom.find("</span>lost-write: an acknowledged write no poll saw</span>", legend),
            std::string::npos);
  EXPECT_NE(dom.find("</span>no send or poll saw this offset</span>", legend), std::string::npos);
  const std::size_t detail =
      dom.find("id=\"lanes-detail\">duplicate: key 1 value 10 is at 2 offsets<");
  ASSERT_NE(detail, std::string::npos) << "the finding's one line";
  EXPECT_LT(detail, dom.find("<svg class=\"chart lane\"")) << "above the lanes";
  EXPECT_NE(dom.find("key 1: offsets 0\u20133; marked offsets: 2 duplicate, 1 lost-write"),
            std::string::npos);
  EXPECT_GT(count(dom, "highlight-anomaly"), 0u) << "the finding's ops, on the timeline";
  EXPECT_TRUE(testing::screenshot(url, screenshot_path("run-queue-lanes"), 1400, 1400));
}

// The first seed of the log's planted high-watermark truncation whose
// history the queue checker rejects (the white-box judges off).
RunOutcome failing_log_run() {
  Scenario scenario = scenario_from_flags({"", "log", "", ""});
  scenario.bug = "log.hw-truncation";
  RunOptions black_box;
  black_box.invariants = InvariantJudges::none;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    RunOutcome outcome = run_scenario(resolve_scenario(scenario, seed), black_box);
    if (outcome.verdict == RunVerdict::safety_violation) return outcome;
  }
  throw std::runtime_error("no seed in 1..40 of log.hw-truncation was found invalid");
}

TEST(RunPageInBrowser, ALogRunsQueueFindingShowsTheLanesOfItsKeys) {
  REQUIRE_BROWSER();
  const RunOutcome outcome = failing_log_run();
  ASSERT_TRUE(outcome.explanation.is_object()) << "the judge records the queue's explanation";
  const std::string folder = testing::scratch_dir("hw-truncation-run");
  write_run_folder(folder, outcome);
  const std::string dom = testing::dump_dom(testing::file_url(folder + "/index.html"));
  EXPECT_NE(dom.find("Why: the history shows " + outcome.anomaly), std::string::npos)
      << dom.substr(0, 3000);
  EXPECT_EQ(dom.find("<h2>Why: an invariant broke"), std::string::npos);
  const nlohmann::json& lanes = outcome.explanation["lanes"];
  ASSERT_FALSE(lanes.empty());
  std::size_t cells = 0;
  for (const nlohmann::json& lane : lanes) {
    cells += lane["cells"].size();
    if (!lane["cut"].get<bool>()) continue;
    const std::string title =
        fmt::format("key {}: offsets {}\u2013{} of 0\u2013{}, a window around its first anomaly",
                    lane["key"].get<std::string>(), lane["from"].get<std::int64_t>(),
                    lane["to"].get<std::int64_t>() - 1, lane["end"].get<std::int64_t>() - 1);
    EXPECT_NE(dom.find(title), std::string::npos) << title;
  }
  EXPECT_EQ(count(dom, R"(<svg class="chart lane")"), lanes.size());
  EXPECT_EQ(count(dom, R"(<g class="lane-cell )"), cells);
  EXPECT_GT(count(dom, R"(<g class="lane-cell [^"]* marked )"), 0u) << "the anomalies, marked";
  EXPECT_TRUE(testing::screenshot(testing::file_url(folder + "/index.html"),
                                  screenshot_path("run-log-queue-lanes"), 1400, 2400));
}

// The CRDT store's lost delta at its known seed (the history alone): the
// run page titles the set-full finding, lists its anomalies with their
// words, and highlights the finding's ops on the timeline.
TEST(RunPageInBrowser, ACrdtRunsSetFullFindingListsItsLostElements) {
  REQUIRE_BROWSER();
  Scenario scenario = scenario_from_flags({"", "crdt", "", ""});
  scenario.bug = "crdt.delta-lost";
  RunOptions black_box;
  black_box.invariants = InvariantJudges::none;
  const RunOutcome outcome = run_scenario(resolve_scenario(scenario, 8), black_box);
  ASSERT_EQ(outcome.anomaly, "lost") << outcome.detail;
  ASSERT_EQ(outcome.explanation.value("checker", ""), "set-full");
  const std::string folder = testing::scratch_dir("crdt-lost-run");
  write_run_folder(folder, outcome);
  const std::string dom = testing::dump_dom(testing::file_url(folder + "/index.html"));
  EXPECT_NE(
      dom.find(
          "Why: the history shows lost (an element was known, then missing from the latest reads)"),
      std::string::npos)
      << dom.substr(0, 3000);
  EXPECT_NE(dom.find("the finding's ops"), std::string::npos);
  EXPECT_NE(dom.find("lost: element "), std::string::npos) << "the examples, listed";
  EXPECT_GT(count(dom, "highlight-anomaly"), 0u) << "the finding's ops, on the timeline";
  EXPECT_EQ(count(dom, R"(<svg class="chart lane")"), 0u) << "lanes are the queue's";
}

// Every string a history, a scenario, a result or a log can carry, set to
// markup that would change the page if it ever ran.
RunSummary hostile_summary() {
  const std::string script =
      "<script>document.title='xss-ran';document.body.setAttribute('data-xss','1')</script>";
  RunSummary summary;
  summary.title = script;
  summary.system = "<img src=x onerror=\"document.body.setAttribute('data-xss','2')\">";
  summary.scenario = script;
  summary.bug = "</script><script>document.body.setAttribute('data-xss','3')</script>";
  summary.verdict = "safety-violation";
  summary.anomaly = script;
  summary.detail = "<b onmouseover=alert(1)>detail</b>\u2028next";
  summary.trace_hash = script;
  summary.faults = {{"<i>kind</i>", script, {0}, 0, 500}};
  summary.commands = {"simlab replay '" + script + "'"};
  summary.explanation = {{"reason", script},
                         {"prefix_length", 1},
                         {"state", script},
                         {"blocked", {{"invoke_index", 1}, {"text", script}}},
                         {"prefix_tail", {{{"invoke_index", 0}, {"text", script}}}},
                         {"concurrent", nlohmann::json::array()}};
  summary.story = {
      {"lanes", {script, "n1"}},
      {"events",
       {{{"time_ns", 1},
         {"kind", script},
         {"lane", script},
         {"from_lane", "n1"},
         {"from_time_ns", 0},
         {"text", script},
         {"anomaly", true}}}},
      {"bands", {{{"lanes", {"n1"}}, {"start_ns", 0}, {"end_ns", 2}, {"text", script}}}},
      {"link", script},
      {"events_left_out", 0}};
  return summary;
}

TEST(RunPageInBrowser, HostileHistoryTextIsShownAndNeverRuns) {
  REQUIRE_BROWSER();
  const std::string script = "<script>alert(1)</script>";
  history::History history;
  add_op(history, 150, 0, OpType::invoke, "write",
         Value::string(script));  // drawn in the failure's window
  add_op(history, 200, 1, OpType::invoke, "<img src=x onerror=alert(1)>",
         Value::string("a\u2028b</script>"));
  add_op(history, 260, 0, OpType::ok, "write", Value::string(script));
  add_op(history, 300, 1, OpType::info, "<img src=x onerror=alert(1)>", Value::string("x"));
  history[1].key = Value::string("<svg onload=\"document.body.setAttribute('data-xss','4')\">");
  TraceExcerpt trace;
  trace.lines = {"       100 n0: <script>document.body.setAttribute('data-xss','5')</script>"};
  trace.total_lines = 1;
  const std::string url = write_page("hostile-run", render_run_page(hostile_summary(), history, trace));
  const std::string dom = testing::dump_dom(url);
  EXPECT_NE(dom.find("data-rendered=\"run\""), std::string::npos)
      << "the page's script did not finish";
  EXPECT_FALSE(std::regex_search(dom, std::regex(R"(<body[^>]*data-xss)")))
      << "an injected script ran";
  EXPECT_EQ(dom.find("xss-ran</title>"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos) << "no element was made from data";
  EXPECT_EQ(dom.find("<b "), std::string::npos);
  EXPECT_EQ(dom.find("<i>"), std::string::npos);
  // The text itself is on the page, as text.
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(dom.find("&lt;img src=x onerror="), std::string::npos);
  EXPECT_NE(dom.find("&lt;b onmouseover=alert(1)&gt;detail&lt;/b&gt;"), std::string::npos);
  EXPECT_TRUE(testing::screenshot(url, screenshot_path("run-hostile"), 1400, 1200));
}

TEST(RunPageInBrowser, InvariantViolationShowsInvariantNodeAndTime) {
  REQUIRE_BROWSER();
  RunSummary summary;
  summary.title = "raft-default seed 9";
  summary.system = "raft";
  summary.verdict = "safety-violation";
  summary.anomaly = "election-safety";
  summary.detail = "two leaders in term 4";
  summary.node = 2;
  summary.failure_time_ns = 30'000'000;
  const std::string dom = testing::dump_dom(
      write_page("invariant-run", render_run_page(summary, testing::synthetic_history(80, 3), std::nullopt)));
  EXPECT_NE(dom.find("Why: an invariant broke"), std::string::npos);
  EXPECT_NE(dom.find("<dd>election-safety</dd>"), std::string::npos);
  EXPECT_NE(dom.find("<dd>n2</dd>"), std::string::npos);
  EXPECT_NE(dom.find("30.0 ms (marked on the timeline)"), std::string::npos);
  EXPECT_GT(count(dom, R"(class="marker")"), 0u);
}

TEST(RunPageInBrowser, UnknownVerdictSaysWhyTheCheckerGaveUp) {
  REQUIRE_BROWSER();
  RunSummary summary;
  summary.title = "history.jsonl";
  summary.verdict = "unknown";
  summary.anomaly = "checker-gave-up";
  summary.detail = "the search ran out of its 300 s time limit on key 7";
  const std::string dom = testing::dump_dom(
      write_page("unknown-run", render_run_page(summary, testing::synthetic_history(20, 2), std::nullopt)));
  EXPECT_TRUE(std::regex_search(dom, std::regex(R"(id="verdict"[^>]*>unknown<)")));
  EXPECT_NE(dom.find("Why: the checker gave up"), std::string::npos);
  EXPECT_NE(dom.find("ran out of its 300 s time limit on key 7"), std::string::npos);
}

TEST(RunPageInBrowser, AnEmptyHistoryStillRendersTheVerdict) {
  REQUIRE_BROWSER();
  RunSummary summary;
  summary.title = "register-default seed 3";
  summary.system = "register";
  summary.verdict = "internal-error";
  summary.detail = "a client fiber threw: boom";
  const std::string dom =
      testing::dump_dom(write_page("empty-run", render_run_page(summary, {}, std::nullopt)));
  EXPECT_NE(dom.find("data-rendered=\"run\""), std::string::npos) << "the page's script did not finish";
  EXPECT_TRUE(std::regex_search(dom, std::regex(R"(id="verdict"[^>]*>internal-error<)")));
  EXPECT_NE(dom.find("Why: the lab failed"), std::string::npos);
}

TEST(RunPageInBrowser, LargeRunIsSampledAndSaysSo) {
  REQUIRE_BROWSER();
  RunSummary summary;
  summary.title = "large run";
  summary.verdict = "valid";
  const history::History history = testing::synthetic_history(150'000, 16, 4999, 211);
  const std::string page = render_run_page(summary, history, std::nullopt);
  EXPECT_LT(page.size(), 6u << 20) << "the page stays small enough to open quickly";
  const std::string url = write_page("large-run", page);
  const std::string dom = testing::dump_dom(url);
  EXPECT_NE(dom.find("data-rendered=\"run\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"sampling-note\""), std::string::npos);
  EXPECT_NE(dom.find("This run has 150000 ops; the timeline draws"), std::string::npos);
  EXPECT_LE(count(dom, R"(class="op op-)"), kTimelineOpsMax + 16);
  // 16 clients whose retired processes (after an info) are replaced by fresh ones: 16 lanes,
  // not 46.
  EXPECT_LE(count(dom, R"(class="lane-label")"), 16u)
      << "a fresh process reuses a finished one's lane";
  EXPECT_TRUE(testing::screenshot(url, screenshot_path("run-large"), 1400, 1300));
}

std::vector<IndexRow> index_rows(const std::string& out_dir) {
  std::vector<IndexRow> rows;
  const char* verdicts[] = {"valid", "valid", "safety-violation", "unknown", "liveness-failure"};
  const char* bugs[] = {"", "register.stale-read", "raft.vote-without-log-check"};
  for (int i = 0; i < 15; ++i) {
    IndexRow row;
    row.system = i % 3 == 2 ? "raft" : "register";
    row.scenario = row.system + "-default";
    row.bug = bugs[i % 3];
    row.verdict = verdicts[i % 5];
    row.anomaly = row.verdict == "safety-violation" ? "linearizability" : "";
    row.seed = static_cast<std::uint64_t>(100 + i);
    row.ops = 900 + i;
    row.simulated_ns = 5'000'000'000 + i;
    row.wall_ms = 20.5 + i;
    row.fault_kinds =
        i % 2 ? std::vector<std::string>{"crash", "partition"} : std::vector<std::string>{};
    row.run_dir = out_dir + "/runs/seed-" + std::to_string(100 + i);
    rows.push_back(row);
  }
  rows[0].system = "<img src=x onerror=\"document.body.setAttribute('data-xss','1')\">";
  rows[1].run_dir = out_dir + "/javascript:document.body.setAttribute('data-xss','2')";
  return rows;
}

TEST(IndexPageInBrowser, TableSortFilterLinksAndCharts) {
  REQUIRE_BROWSER();
  const std::string out = testing::scratch_dir("index");
  write_index_report(out, index_rows(out), "results.db");
  const std::string url = testing::file_url(out + "/index.html");
  const std::string dom = testing::dump_dom(url);
  EXPECT_NE(dom.find("data-rendered=\"index\""), std::string::npos);
  EXPECT_EQ(count(dom, R"(<tr class="run")"), 15u);
  EXPECT_NE(dom.find("href=\"./runs/seed-104/index.html\""), std::string::npos);
  EXPECT_EQ(dom.find("href=\"javascript"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_FALSE(std::regex_search(dom, std::regex(R"(<body[^>]*data-xss)")));
  EXPECT_NE(dom.find("id=\"by-fault\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"by-bug\""), std::string::npos);
  EXPECT_NE(dom.find("register.stale-read: "), std::string::npos) << "a bar per planted bug";
  EXPECT_NE(dom.find("partition: "), std::string::npos) << "a bar per fault kind";
  // Filter and sort from the URL, as a shared link would.
  const std::string filtered =
      testing::dump_dom(url + "#verdict=safety-violation&sort=seed&order=desc");
  EXPECT_EQ(count(filtered, R"(<tr class="run")"), 3u);
  EXPECT_EQ(count(filtered, R"(<tr class="run" data-verdict="safety-violation")"), 3u);
  const std::size_t first_seed = filtered.find(">112<"), last_seed = filtered.find(">102<");
  ASSERT_NE(first_seed, std::string::npos);
  ASSERT_NE(last_seed, std::string::npos);
  EXPECT_LT(first_seed, last_seed) << "descending by seed";
  EXPECT_EQ(count(testing::dump_dom(url + "#system=raft&bug=none"), R"(<tr class="run")"), 0u);
  EXPECT_EQ(count(testing::dump_dom(url + "#system=raft"), R"(<tr class="run")"), 5u);
  EXPECT_TRUE(testing::screenshot(url, screenshot_path("index"), 1400, 1100));
}

TEST(IndexPageInBrowser, AHugeStoreShowsTheFirstRowsAndSaysSo) {
  REQUIRE_BROWSER();
  const std::string out = testing::scratch_dir("index-huge");
  std::vector<IndexRow> rows(kIndexRowsShownMax + 50);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].system = "register";
    rows[i].verdict = "valid";
    rows[i].seed = i;
  }
  write_index_report(out, rows, "swarm.db");
  const std::string dom = testing::dump_dom(testing::file_url(out + "/index.html"));
  EXPECT_EQ(count(dom, R"(<tr class="run")"), kIndexRowsShownMax);
  EXPECT_NE(dom.find(fmt::format("{} of {} runs; the table shows the first {}", rows.size(), rows.size(),
                                 kIndexRowsShownMax)),
            std::string::npos);
}

}  // namespace
}  // namespace simlab::reports

// The set-full checker on hand-made histories in Jepsen's set shape (EDN
// sets) and JSONL, and against a direct reading of its definitions on
// random histories.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>

#include "checkers/history/history_format.h"
#include "checkers/set/set_full.h"
#include "checkers/set/set_full_explanation.h"

namespace simlab::set_full {
namespace {

using history::Op;
using history::OpType;
using history::Value;

SetFullResult check_edn(const std::string& text, SetFullOptions options = {}) {
  return check_set_full(history::read_history(text, history::Format::edn, "test.edn"), options);
}

TEST(SetFullChecker, ElementsEveryLaterReadSeesAreStable) {
  const SetFullResult result = check_edn(R"(
{:process 0 :type :invoke :f :add :value 1}
{:process 0 :type :ok :f :add :value 1}
{:process 1 :type :invoke :f :add :value 2}
{:process 1 :type :ok :f :add :value 2}
{:process 2 :type :invoke :f :read :value nil}
{:process 2 :type :ok :f :read :value #{1 2}}
)");
  EXPECT_EQ(result.verdict, Verdict::valid) << explain_text(result);
  EXPECT_EQ(result.attempted, 2u);
  EXPECT_EQ(result.acknowledged, 2u);
  EXPECT_EQ(result.stable, 2u);
  EXPECT_EQ(result.stale, 0u);
  ASSERT_TRUE(result.stable_latency.has_value());
  EXPECT_EQ(result.stable_latency->max_ns, 0);
}

TEST(SetFullChecker, AnElementSeenAndThenMissingFromALaterReadIsLost) {
  const SetFullResult result = check_edn(R"(
{:process 0 :type :invoke :f :add :value 7 :time 0}
{:process 0 :type :ok :f :add :value 7 :time 10}
{:process 1 :type :invoke :f :read :time 20}
{:process 1 :type :ok :f :read :value #{7} :time 30}
{:process 1 :type :invoke :f :read :time 500}
{:process 1 :type :ok :f :read :value #{} :time 510}
)");
  EXPECT_EQ(result.verdict, Verdict::invalid);
  EXPECT_EQ(result.lost, 1u);
  ASSERT_EQ(result.lost_examples.size(), 1u);
  const ElementFinding& lost = result.lost_examples[0];
  EXPECT_EQ(lost.element, Value::integer(7));
  EXPECT_EQ(lost.add, 0);
  EXPECT_EQ(lost.known, 1);  // the add's ok
  EXPECT_EQ(lost.last_present, 3);
  EXPECT_EQ(lost.last_absent, 5);
  EXPECT_EQ(lost.latency_ns,
            480);  // from the last read that saw it beginning to the one that missed it
  EXPECT_NE(explain_text(result).find("lost: element 7, added at op 0, acknowledged at op 1"),
            std::string::npos)
      << explain_text(result);
  EXPECT_EQ(explain_json(result)["lost-count"], 1);
}

TEST(SetFullChecker, AnAcknowledgedElementNoLaterReadSeesIsLostToo) {
  const SetFullResult result = check_edn(R"(
{:process 0 :type :invoke :f :add :value 7}
{:process 0 :type :ok :f :add :value 7}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value #{}}
)");
  EXPECT_EQ(result.lost, 1u);
  EXPECT_EQ(result.lost_examples.at(0).last_present, -1);
}

TEST(SetFullChecker,
     AReadMissingAnElementBeforeItShowsForGoodIsStaleAndInvalidOnlyWhenLinearizable) {
  const std::string text = R"(
{:process 0 :type :invoke :f :add :value 3 :time 0}
{:process 0 :type :ok :f :add :value 3 :time 100}
{:process 1 :type :invoke :f :read :time 250}
{:process 1 :type :ok :f :read :value #{} :time 260}
{:process 1 :type :invoke :f :read :time 400}
{:process 1 :type :ok :f :read :value #{3} :time 410}
)";
  const SetFullResult result = check_edn(text);
  EXPECT_EQ(result.verdict, Verdict::valid) << explain_text(result);
  EXPECT_EQ(result.stable, 1u);
  EXPECT_EQ(result.stale, 1u);
  EXPECT_EQ(result.stable_latency->max_ns, 150);  // known at 100, missed by the read begun at 250
  const SetFullResult strict = check_edn(text, {.linearizable = true});
  EXPECT_EQ(strict.verdict, Verdict::invalid);
  EXPECT_NE(explain_text(strict).find("stale: element 3"), std::string::npos)
      << explain_text(strict);
}

TEST(SetFullChecker, AReadThatBeganBeforeTheElementWasKnownDoesNotJudgeIt) {
  const SetFullResult result = check_edn(R"(
{:process 1 :type :invoke :f :read}
{:process 0 :type :invoke :f :add :value 4}
{:process 0 :type :ok :f :add :value 4}
{:process 1 :type :ok :f :read :value #{}}
)");
  EXPECT_EQ(result.never_read, 1u);
  EXPECT_EQ(result.lost, 0u);
  EXPECT_EQ(result.verdict, Verdict::unknown);  // nothing could be judged
}

TEST(SetFullChecker, AnUnacknowledgedElementIsKnownOnceAReadSawIt) {
  const SetFullResult result = check_edn(R"(
{:process 0 :type :invoke :f :add :value 5}
{:process 0 :type :info :f :add :value 5}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value #{5}}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value #{}}
{:process 2 :type :invoke :f :add :value 6}
{:process 2 :type :info :f :add :value 6}
)");
  EXPECT_EQ(result.attempted, 2u);
  EXPECT_EQ(result.acknowledged, 0u);
  EXPECT_EQ(result.lost, 1u);        // 5: seen by op 3, missed by op 5
  EXPECT_EQ(result.never_read, 1u);  // 6: unknown and never seen
  EXPECT_EQ(result.lost_examples.at(0).known, 3);
  EXPECT_EQ(result.never_read_examples.at(0).element, Value::integer(6));
}

TEST(SetFullChecker, AnElementReadTwiceOrNeverAddedIsAnAnomaly) {
  const SetFullResult result = check_edn(R"(
{:process 0 :type :invoke :f :add :value 1}
{:process 0 :type :ok :f :add :value 1}
{:process 0 :type :invoke :f :add :value 2}
{:process 0 :type :fail :f :add :value 2}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value [1 1 2 9]}
)");
  EXPECT_EQ(result.verdict, Verdict::invalid);
  EXPECT_EQ(result.duplicated, 1u);
  EXPECT_EQ(result.unexpected, 2u);  // 2's add failed, 9 was never added
  EXPECT_EQ(result.attempted, 1u);
  EXPECT_EQ(result.duplicated_examples.at(0).read, 5);
  const std::string text = explain_text(result);
  EXPECT_NE(text.find("duplicated: element 1 in the read ending at op 5"), std::string::npos)
      << text;
  EXPECT_NE(text.find("unexpected (never added): element 9"), std::string::npos) << text;
}

TEST(SetFullChecker, EachKeyIsItsOwnSetAndACompletionNeedNotRepeatTheKey) {
  const auto ops =
      history::read_history(R"({"process":0,"type":"invoke","f":"add","key":"a","value":1}
{"process":0,"type":"ok","f":"add","value":1}
{"process":1,"type":"invoke","f":"add","key":"b","value":1}
{"process":1,"type":"ok","f":"add","key":"b","value":1}
{"process":2,"type":"invoke","f":"read","key":"a"}
{"process":2,"type":"ok","f":"read","value":[1]}
{"process":2,"type":"invoke","f":"read","key":"b"}
{"process":2,"type":"ok","f":"read","key":"b","value":[]}
)",
                            history::Format::jsonl, "test.jsonl");
  const SetFullResult result = check_set_full(ops);
  EXPECT_EQ(result.keys, 2u);
  EXPECT_EQ(result.stable, 1u);
  ASSERT_EQ(result.lost, 1u);
  EXPECT_EQ(result.lost_examples.at(0).key, Value::string("b"));
  EXPECT_NE(explain_text(result).find("element 1 of key \"b\""), std::string::npos)
      << explain_text(result);
}

TEST(SetFullChecker, AnOpOfAnotherShapeNamesItsLine) {
  try {
    check_edn(
        "{:process 0 :type :invoke :f :add :value 1}\n{:process 0 :type :ok :f :add :value 1}\n"
        "{:process 0 :type :invoke :f :cas :value [1 2]}\n");
    FAIL() << "expected an OpError";
  } catch (const history::OpError& error) {
    EXPECT_EQ(error.line(), 3);
    EXPECT_STREQ(error.what(),
                 "expected f add, remove or read for --model set-full, found f \"cas\"");
  }
  EXPECT_THROW(
      check_edn("{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :f :read :value 3}\n"),
      history::OpError);
}

// An eventually consistent store's reads may lag: with final reads in the
// history, only a final read missing a known element loses it.
TEST(SetFullChecker, WithFinalReadsOnlyAFinalReadMissingAnElementLosesIt) {
  const std::string lagging = R"(
{:process 0 :type :invoke :f :add :value 1}
{:process 0 :type :ok :f :add :value 1}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value #{}}
)";
  const std::string finals = R"(
{:process 2 :type :invoke :f :read :final? true}
{:process 2 :type :ok :f :read :value #{1} :final? true}
{:process 3 :type :invoke :f :read :final? true}
{:process 3 :type :ok :f :read :value #{FINAL} :final? true}
)";
  const auto with_final = [&](const std::string& second) {
    std::string text = finals;
    text.replace(text.find("FINAL"), 5, second);
    return lagging + text;
  };
  const SetFullResult converged = check_edn(with_final("1"));
  EXPECT_EQ(converged.verdict, Verdict::valid) << explain_text(converged);
  EXPECT_EQ(converged.stale, 1u);  // the lagging read
  const SetFullResult diverged = check_edn(with_final(""));
  EXPECT_EQ(diverged.lost, 1u);
  EXPECT_EQ(diverged.lost_examples.at(0).last_absent, 7);  // the second final read
  // Jepsen's rule, asked for, judges by the latest read: here a final one that saw it.
  EXPECT_EQ(check_edn(with_final("1"), {.loss_rule = LossRule::latest_read}).lost, 0u);
  // Without final reads the lagging read is the latest: Jepsen's rule loses the
  // element, the final-reads rule does not (nothing has converged to judge).
  EXPECT_EQ(check_edn(lagging).lost, 1u);
  const SetFullResult eventual = check_edn(lagging, {.loss_rule = LossRule::final_reads});
  EXPECT_EQ(eventual.lost, 0u);
  EXPECT_EQ(eventual.never_read, 1u);
}

// Add 5, remove it, and (optionally) add it again, all by process 0; then
// two final reads holding what FINALS says.
std::string lifecycle(bool add_again, const std::string& first_final,
                      const std::string& second_final) {
  std::string text = R"(
{:process 0 :type :invoke :f :add :value 5}
{:process 0 :type :ok :f :add :value 5}
{:process 1 :type :invoke :f :read}
{:process 1 :type :ok :f :read :value #{5}}
{:process 0 :type :invoke :f :remove :value 5}
{:process 0 :type :ok :f :remove :value 5}
)";
  if (add_again) {
    text += R"({:process 0 :type :invoke :f :add :value 5}
{:process 0 :type :ok :f :add :value 5}
)";
  }
  return text +
         "{:process 2 :type :invoke :f :read :final? true}\n"
         "{:process 2 :type :ok :f :read :value #{" +
         first_final +
         "} :final? true}\n{:process 3 :type :invoke :f :read :final? true}\n"
         "{:process 3 :type :ok :f :read :value #{" +
         second_final + "} :final? true}\n";
}

TEST(SetFullChecker, ARemovedElementAFinalReadStillHoldsIsResurrected) {
  const SetFullResult removed = check_edn(lifecycle(false, "", ""));
  EXPECT_EQ(removed.verdict, Verdict::valid) << explain_text(removed);
  EXPECT_EQ(removed.removed, 1u);
  EXPECT_EQ(removed.lost, 0u);  // gone, as its remove said: not lost
  const SetFullResult back = check_edn(lifecycle(false, "", "5"));
  EXPECT_EQ(back.verdict, Verdict::invalid);
  EXPECT_EQ(back.resurrected, 1u);
  ASSERT_EQ(back.resurrected_examples.size(), 1u);
  const ElementFinding& finding = back.resurrected_examples[0];
  EXPECT_EQ(finding.add, 0);
  EXPECT_EQ(finding.remove, 4);
  EXPECT_EQ(finding.removed, 5);
  EXPECT_EQ(finding.last_present, 9);  // the second final read
  EXPECT_EQ(finding.writes, (std::vector<std::int64_t>{0, 4}));
  EXPECT_NE(explain_text(back).find("resurrected: element 5, added at op 0, removed by the "
                                    "remove at op 4 (acknowledged at op 5), held again by the "
                                    "read ending at op 9"),
            std::string::npos)
      << explain_text(back);
  EXPECT_EQ(explain_json(back)["resurrected-count"], 1);
}

TEST(SetFullChecker, AnElementAddedAgainAfterItsRemoveMustBeInTheFinalReads) {
  const SetFullResult kept = check_edn(lifecycle(true, "5", "5"));
  EXPECT_EQ(kept.verdict, Verdict::valid) << explain_text(kept);
  EXPECT_EQ(kept.stable, 1u);
  const SetFullResult lost = check_edn(lifecycle(true, "5", ""));
  EXPECT_EQ(lost.lost, 1u);
  EXPECT_EQ(lost.lost_examples.at(0).known, 7);  // the second add's ok
}

TEST(SetFullChecker, RemovesOfUnknownOutcomeOrFromSeveralProcessesAreNotJudged) {
  std::string unknown = lifecycle(false, "", "5");
  unknown.replace(unknown.find(":type :ok :f :remove"), 9, ":type :info");
  const SetFullResult info = check_edn(unknown);
  EXPECT_EQ(info.resurrected, 0u) << explain_text(info);
  EXPECT_EQ(info.unjudged, 1u);
  std::string other = lifecycle(false, "", "5");  // the remove by process 4
  for (const char* op :
       {"{:process 0 :type :invoke :f :remove", "{:process 0 :type :ok :f :remove"})
    other.replace(other.find(op), std::string_view("{:process 0").size(), "{:process 4");
  EXPECT_EQ(check_edn(other).unjudged, 1u);
  // A remove that failed did nothing: the element is judged as if it had none.
  std::string failed = lifecycle(false, "5", "5");
  failed.replace(failed.find(":type :ok :f :remove"), 9, ":type :fail");
  const SetFullResult kept = check_edn(failed);
  EXPECT_EQ(kept.stable, 1u) << explain_text(kept);
  EXPECT_EQ(kept.unjudged, 0u);
}

TEST(SetFullChecker, WithoutFinalReadsTheLatestReadJudgesARemove) {
  std::string text = lifecycle(false, "", "");
  text = text.substr(0, text.find("{:process 2"));
  text += "{:process 1 :type :invoke :f :read}\n{:process 1 :type :ok :f :read :value #{5}}\n";
  EXPECT_EQ(check_edn(text).resurrected, 1u);
  text.replace(text.rfind("#{5}"), 4, "#{}");
  EXPECT_EQ(check_edn(text).removed, 1u);
}

// --- the definitions read directly, on random histories ---

struct Expected {
  std::size_t known = 0, stable = 0, lost = 0, never_read = 0, stale = 0;
};

// For each element and each ok read begun after the element was known, by
// scanning every read: the latest-begun that saw it and that missed it.
Expected judge_directly(const history::History& ops) {
  const auto completion = history::completion_positions(ops);
  std::map<std::int64_t, std::int64_t> known;  // element -> position
  struct Read {
    std::int64_t begin, done;
    std::set<std::int64_t> items;
  };
  std::vector<Read> reads;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].type != OpType::invoke || completion[i] < 0) continue;
    const Op& done = ops[static_cast<std::size_t>(completion[i])];
    if (done.type != OpType::ok) continue;
    if (ops[i].f == "add") {
      auto [it, inserted] = known.try_emplace(ops[i].value.as_integer(), completion[i]);
      if (!inserted) it->second = std::min(it->second, completion[i]);
      continue;
    }
    Read read{static_cast<std::int64_t>(i), completion[i], {}};
    for (const Value& item : done.value.as_list()) read.items.insert(item.as_integer());
    for (const std::int64_t item : read.items) {
      auto [it, inserted] = known.try_emplace(item, completion[i]);
      if (!inserted) it->second = std::min(it->second, completion[i]);
    }
    reads.push_back(read);
  }
  Expected expected;
  expected.known = known.size();
  for (const auto& [element, at] : known) {
    std::int64_t present = -1, absent = -1;
    for (const Read& read : reads) {
      if (read.begin <= at) continue;
      std::int64_t& latest = read.items.count(element) ? present : absent;
      latest = std::max(latest, read.begin);
    }
    if (present >= 0 && absent < present) {
      ++expected.stable;
      if (absent >= 0) ++expected.stale;
    } else if (absent >= 0) {
      ++expected.lost;
    } else {
      ++expected.never_read;
    }
  }
  return expected;
}

// Four processes add 12 elements and read a random subset of them, some
// adds acknowledged, some unknown; reads overlap adds and each other.
history::History random_history(std::uint32_t seed) {
  std::mt19937 random(seed);
  history::History ops;
  std::vector<std::optional<Op>> pending(4);
  std::int64_t next_element = 0;
  while (next_element < 12 ||
         std::any_of(pending.begin(), pending.end(), [](auto& op) { return op.has_value(); })) {
    const auto process = static_cast<std::int64_t>(random() % 4);
    auto& open = pending[static_cast<std::size_t>(process)];
    Op op;
    op.process = process;
    if (open) {
      op = *open;
      op.type = random() % 5 == 0 ? OpType::info : OpType::ok;
      if (op.f == "read") {
        op.type = OpType::ok;
        Value::List items;
        for (std::int64_t element = 0; element < next_element; ++element)
          if (random() % 3 != 0) items.push_back(Value::integer(element));
        op.value = Value::list(items);
      }
      open.reset();
    } else if (next_element < 12) {
      op.type = OpType::invoke;
      op.f = random() % 2 ? "add" : "read";
      if (op.f == "add") op.value = Value::integer(next_element++);
      open = op;
    } else {
      continue;
    }
    op.index = static_cast<std::int64_t>(ops.size());
    op.time = op.index;
    ops.push_back(op);
  }
  return ops;
}

TEST(SetFullChecker, AgreesWithTheDefinitionsReadDirectlyOnRandomHistories) {
  for (std::uint32_t seed = 1; seed <= 300; ++seed) {
    const history::History ops = random_history(seed);
    const SetFullResult result = check_set_full(ops);
    const Expected expected = judge_directly(ops);
    ASSERT_EQ(result.stable, expected.stable) << "seed " << seed;
    ASSERT_EQ(result.lost, expected.lost) << "seed " << seed;
    ASSERT_EQ(result.stale, expected.stale) << "seed " << seed;
    // An element never known (unknown add, never seen) is never-read too.
    ASSERT_EQ(result.never_read, expected.never_read + (result.attempted - expected.known))
        << "seed " << seed;
    ASSERT_EQ(result.stable + result.lost + result.never_read, result.attempted) << "seed " << seed;
  }
}

}  // namespace
}  // namespace simlab::set_full

// The causal story: the simulator's causal log names, for every event, the
// step whose effect it is (without changing the run), and the story of a
// shrunk failure walks those edges from the anomaly's ops back to their
// requests, with the faults, the white-box finding and the link between
// the two judges, in at most 30 events.
#include "harness/story/causal_story.h"

#include <gtest/gtest.h>

#include <regex>

#include "harness/run/run_scenario.h"
#include "harness/scenario_flags.h"
#include "harness/shrink.h"
#include "harness/systems/system_registry.h"

namespace simlab {
namespace {

using sim::CausalKind;

Scenario stale_reads() {
  return resolve_scenario(scenario_from_flags({"", "raft", "", "raft.read-without-quorum"}), 2);
}

TEST(CausalLog, NamesEachEffectsStepAndLeavesTheRunAsItWas) {
  RunOptions logged;
  logged.keep_causal_log = true;
  const RunOutcome with_log = run_scenario(stale_reads(), logged);
  const RunOutcome without = run_scenario(stale_reads());
  EXPECT_EQ(with_log.trace_hash, without.trace_hash);
  EXPECT_TRUE(without.causal_events.empty());
  const auto& events = with_log.causal_events;
  ASSERT_GT(events.size(), 1000u);
  std::size_t messages = 0, replies = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const sim::CausalEvent& event = events[i];
    if (event.cause >= 0) {
      ASSERT_LT(static_cast<std::size_t>(event.cause), i) << "a cause comes first";
      EXPECT_LE(events[static_cast<std::size_t>(event.cause)].time_ns, event.time_ns);
    }
    if (event.kind == CausalKind::message) {
      ++messages;
      ASSERT_GE(event.cause, 0) << "a message is sent by a step";
      EXPECT_EQ(events[static_cast<std::size_t>(event.cause)].node, event.from)
          << "by its sender's";
    }
    if (event.kind == CausalKind::client_reply) {
      ++replies;
      ASSERT_GE(event.cause, 0);
      EXPECT_EQ(events[static_cast<std::size_t>(event.cause)].node, event.node);
    }
    if (event.kind == CausalKind::client_request) {
      EXPECT_EQ(event.cause, -1) << "clients act on their own";
    }
  }
  EXPECT_GT(messages, 500u);
  EXPECT_GT(replies, 100u);
}

// An observer's finding may name the node at risk rather than the node
// whose step revealed it: the story then follows the step at its time.
TEST(CausalStory, AFindingOnAnotherNodeStillGetsTheChainBehindIt) {
  RunOutcome outcome;
  outcome.scenario.nodes = 5;
  outcome.scenario.clients = 1;
  outcome.simulated_ns = 100;
  using sim::CausalEvent;
  outcome.causal_events = {
      CausalEvent{10, CausalKind::timer, 1, 0, 0, -1, {}},   // n1 decides to replicate
      CausalEvent{20, CausalKind::message, 4, 1, 0, 0, {}},  // n4 gets it
      CausalEvent{30, CausalKind::message, 1, 4, 0, 1, {}},  // n1 gets the ack and commits
  };
  outcome.white_box = JudgeFinding{"observer", "raft.commit-at-risk", "n5 lacks it", 5u, 30};
  const CausalStory story = causal_story(outcome, *find_system("raft")->factory);
  std::vector<std::string> kinds;
  for (const StoryEvent& event : story.events) kinds.push_back(event.kind + "@" + event.lane);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"timer@n1", "message@n4", "finding@n5", "message@n1"}));
  EXPECT_TRUE(story.events[2].anomaly)
      << "with no history finding, the white-box one is the failure";
}

class ShrunkStaleRead : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    const Scenario failing = stale_reads();
    const ShrinkResult result =
        shrink(failing, run_scenario(failing), ShrinkBudget{}, RunOptions{}, [](auto&) {});
    RunOptions logged;
    logged.keep_causal_log = true;
    outcome_ = new RunOutcome(run_scenario(result.minimal, logged));
    story_ = new CausalStory(causal_story(*outcome_, *find_system("raft")->factory));
  }
  static void TearDownTestSuite() {
    delete story_;
    delete outcome_;
  }
  static const RunOutcome* outcome_;
  static const CausalStory* story_;
};
const RunOutcome* ShrunkStaleRead::outcome_ = nullptr;
const CausalStory* ShrunkStaleRead::story_ = nullptr;

TEST_F(ShrunkStaleRead, TheStoryIsShortAndEndsInTheAnomaly) {
  const CausalStory& story = *story_;
  EXPECT_LE(story.events.size(), kStoryEventsMax);
  EXPECT_GE(story.events.size(), 6u);
  for (std::size_t i = 1; i < story.events.size(); ++i)
    EXPECT_LE(story.events[i - 1].time_ns, story.events[i].time_ns) << "in time order";
  EXPECT_EQ(std::count_if(story.events.begin(), story.events.end(),
                          [](const StoryEvent& e) { return e.anomaly; }),
            1)
      << "one event is where the failure shows";
  EXPECT_TRUE(std::any_of(story.events.begin(), story.events.end(),
                          [](const StoryEvent& e) { return e.kind == "fault"; }));
  ASSERT_EQ(story.bands.size(), outcome_->faults.size());
}

TEST_F(ShrunkStaleRead, TheAnomalysReplyIsTracedBackToItsRequest) {
  const CausalStory& story = *story_;
  const auto anomaly = std::find_if(story.events.begin(), story.events.end(),
                                    [](const StoryEvent& e) { return e.anomaly; });
  ASSERT_NE(anomaly, story.events.end());
  // The reply its client accepted is folded into the completion: one event,
  // drawn as an arrow from the node that answered.
  EXPECT_TRUE(anomaly->from_lane.starts_with("n")) << story_text(story);
  EXPECT_NE(anomaly->text.find("(answered by " + anomaly->from_lane + ")"), std::string::npos)
      << story_text(story);
  EXPECT_FALSE(std::any_of(story.events.begin(), story.events.end(),
                           [&](const StoryEvent& e) {
                             return e.kind == "reply" && e.lane == anomaly->lane &&
                                    e.time_ns == anomaly->time_ns;
                           }))
      << "not a second event\n"
      << story_text(story);
  const auto request =
      std::find_if(story.events.begin(), story.events.end(), [&](const StoryEvent& e) {
        return e.kind == "request" && e.from_lane == anomaly->lane && e.time_ns <= anomaly->time_ns;
      });
  EXPECT_NE(request, story.events.end()) << "the chain reaches the op's own request\n"
                                         << story_text(story);
  // Which steps carry the write to its commit (replication, or the leader's
  // own fsync last) depends on the seed; that its request reached a node,
  // described by the system, does not.
  EXPECT_TRUE(std::any_of(story.events.begin(), story.events.end(),
                          [](const StoryEvent& e) {
                            return e.kind == "request" &&
                                   e.text.find("append") != std::string::npos;
                          }))
      << "the write the history cannot place is on the path, described by the KV store\n"
      << story_text(story);
}

TEST_F(ShrunkStaleRead, BothJudgesAreLinkedAndTheTextIsNumbered) {
  const CausalStory& story = *story_;
  EXPECT_NE(story.link.find("observer judge found raft.stale-local-read"), std::string::npos)
      << story.link;
  EXPECT_NE(story.link.find("the history cannot place"), std::string::npos) << story.link;
  const std::string text = story_text(story);
  const std::regex numbered(R"(\n +(\d+)\. )");
  EXPECT_EQ(static_cast<std::size_t>(std::distance(
                std::sregex_iterator(text.begin(), text.end(), numbered), std::sregex_iterator())),
            story.events.size())
      << text;
  const nlohmann::json json = story_json(story);
  EXPECT_EQ(json["events"].size(), story.events.size());
  EXPECT_EQ(json["lanes"].back(), "n5");
}

// A queue finding's story: the ops the anomaly names (log.retriable-out-of-
// order writes one value twice: the send and the poll that show it) are its
// anchors, the latest one the event the failure shows in, each traced back
// to its own request.
TEST(CausalStory, AQueueFindingsStoryEndsInTheOpsItsAnomalyNames) {
  const Scenario failing =
      resolve_scenario(scenario_from_flags({"", "log", "", "log.retriable-out-of-order"}), 1);
  const ShrinkResult result =
      shrink(failing, run_scenario(failing), ShrinkBudget{}, RunOptions{}, [](auto&) {});
  RunOptions logged;
  logged.keep_causal_log = true;
  const RunOutcome outcome = run_scenario(result.minimal, logged);
  ASSERT_TRUE(outcome.history_judge.has_value());
  const CausalStory story = causal_story(outcome, *find_system("log")->factory);
  EXPECT_LE(story.events.size(), kStoryEventsMax);
  const auto count = [&](auto predicate) {
    return std::count_if(story.events.begin(), story.events.end(), predicate);
  };
  EXPECT_EQ(count([](const StoryEvent& e) { return e.anomaly; }), 1) << story_text(story);
  EXPECT_GE(count([](const StoryEvent& e) { return e.kind == "invoke"; }), 2)
      << "the ops the anomaly names\n"
      << story_text(story);
  const auto anomaly = std::find_if(story.events.begin(), story.events.end(),
                                    [](const StoryEvent& e) { return e.anomaly; });
  ASSERT_NE(anomaly, story.events.end());
  EXPECT_EQ(anomaly->kind, "complete");
  EXPECT_GE(count([&](const StoryEvent& e) {
              return e.kind == "request" && e.from_lane == anomaly->lane;
            }),
            1)
      << "traced back to its request\n"
      << story_text(story);
}

}  // namespace
}  // namespace simlab

// The causal story of a failing run: the few events on the happens-before
// path to the failure, everything else left out. Its anchors are the ops
// the checker names (the op it cannot place, the ops just before it and
// beside it) and the white-box finding; from each op's accepted reply the
// story walks the chain of immediate causes back (sim/causal_log.h: the
// step that sent the reply, the message that step handled, the step that
// sent that message, ...) to the op's own request, and adds the run's
// faults as bands. A person reads it in the terminal as a numbered list and
// on the run's page as a space-time diagram (one line per node and client,
// messages as arrows, faults as bands), the anomaly at its end.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/run/run_outcome.h"
#include "systems/common/node.h"

namespace simlab {

inline constexpr std::size_t kStoryEventsMax = 30;

struct StoryEvent {
  std::int64_t time_ns = 0;
  std::string kind;  // invoke, complete, request, message, timer, disk, reply, start, fault, heal,
                     // finding, abort
  std::string lane;  // "n2", "c0" (client 0), "r1" (final reader 1), "nemesis"
  std::string from_lane;           // an arrow's tail: message, request, reply
  std::int64_t from_time_ns = -1;  // when it left there
  std::string text;
  bool anomaly = false;  // the op (or finding) the failure shows in
};

struct StoryBand {                 // a fault while it held
  std::vector<std::string> lanes;  // empty: the whole cluster
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::string text;
};

struct CausalStory {
  std::vector<std::string> lanes;  // clients first, then nodes
  std::vector<StoryEvent> events;  // by time, at most kStoryEventsMax
  std::vector<StoryBand> bands;
  std::string link;  // the white-box finding tied to the black-box anomaly, when both fired
  std::size_t events_left_out = 0;
};

// REQUIRES: the run kept its causal log (RunOptions::keep_causal_log).
CausalStory causal_story(const RunOutcome& outcome, const SystemFactory& system);

std::string story_text(const CausalStory& story);  // numbered lines
nlohmann::json story_json(const CausalStory& story);

}  // namespace simlab

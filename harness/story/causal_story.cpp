#include "harness/story/causal_story.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "checkers/history/anomaly_list.h"
#include "checkers/history/op_type.h"
#include "checkers/history/value_format.h"
#include "harness/systems/system_registry.h"

namespace simlab {
namespace {

using sim::CausalEvent;
using sim::CausalKind;

// How far back a chain of immediate causes is followed from one anchor.
constexpr int kChainHopsMax = 10;
// Ops taken from the checker's explanation besides the one it cannot place.
constexpr std::size_t kNeighbourOpsMax = 2;
// Ops on the same key after it.
constexpr std::size_t kLaterOpsMax = 2;

enum Priority : int { kAnchor = 0, kContext = 1, kChain = 2 };

std::string node_lane(NodeId node) { return fmt::format("n{}", node); }

// "client-3" -> "c3", "final-reader-1" -> "r1"; other fibers keep their names.
std::string fiber_lane(const std::vector<std::string>& names, std::uint32_t fiber) {
  const std::string name = fiber < names.size() ? names[fiber] : fmt::format("fiber-{}", fiber);
  if (name.starts_with("client-")) return "c" + name.substr(7);
  if (name.starts_with("final-reader-")) return "r" + name.substr(13);
  return name;
}

std::string process_lane(std::int64_t process, std::uint32_t clients) {
  if (process >= kFinalReaderProcessBase)
    return fmt::format("r{}", (process - kFinalReaderProcessBase) % clients);
  return fmt::format("c{}", process % clients);
}

std::string op_text(const history::Op& op) {
  std::string text = op.f;
  if (op.key) text += " k" + history::format_value(*op.key);
  if (!op.value.is_nil()) text += " " + history::format_value(op.value);
  return text;
}

// A story line stays one line: a long value keeps its start.
std::string shortened(std::string text) {
  constexpr std::size_t kValueCharsMax = 120;
  if (text.size() > kValueCharsMax) text = text.substr(0, kValueCharsMax - 3) + "...";
  return text;
}

class StoryBuilder {
 public:
  StoryBuilder(const RunOutcome& outcome, const SystemFactory& system)
      : outcome_(outcome), system_(system), events_(outcome.causal_events) {}

  CausalStory build() {
    add_history_anchors();
    add_white_box_finding();
    add_faults();
    for (const auto& [index, priority] : chain_) add(from_causal(index), priority);
    return finish();
  }

 private:
  struct Candidate {
    StoryEvent event;
    int priority;
  };

  void add(StoryEvent event, int priority) { candidates_.push_back({std::move(event), priority}); }

  // The ops the checker names: the one it cannot place (the anomaly), and
  // a few just before it and beside it.
  void add_history_anchors() {
    const nlohmann::json& explanation = outcome_.explanation;
    if (!outcome_.history_judge || !explanation.is_object()) return;
    if (history::is_anomaly_list_checker(explanation.value("checker", std::string())))
      return add_queue_anchors();
    if (const auto blocked = explanation.find("blocked"); blocked != explanation.end())
      anomaly_reply_node_ = add_op(*blocked, true);
    std::vector<nlohmann::json> neighbours;
    const auto tail = explanation.value("prefix_tail", nlohmann::json::array());
    for (std::size_t i = tail.size() > kNeighbourOpsMax ? tail.size() - kNeighbourOpsMax : 0;
         i < tail.size(); ++i)
      neighbours.push_back(tail[i]);
    const auto concurrent = explanation.value("concurrent", nlohmann::json::array());
    for (std::size_t i = 0; i < concurrent.size() && i < kNeighbourOpsMax; ++i)
      neighbours.push_back(concurrent[i]);
    for (const auto& op : neighbours) add_op(op, false);
    add_later_ops_on_key(explanation);
  }

  // A queue finding (or another list of anomalies, anomaly_list.h) names
  // the ops that show its first anomaly (their invocations' history
  // indices): the latest few are the anchors, the last of them the op the
  // failure shows in (the poll past a gap, the read of a second value at an
  // offset, the read that misses an element).
  void add_queue_anchors() {
    const auto anomalies = outcome_.explanation.value("anomalies", nlohmann::json::array());
    // The finding is the checker's first anomaly: its first example here.
    const auto shown = std::find_if(anomalies.begin(), anomalies.end(), [&](const auto& a) {
      return a.is_object() && a.value("name", std::string()) == outcome_.history_judge->anomaly;
    });
    if (shown == anomalies.end()) return;
    std::vector<std::int64_t> invokes;
    for (const auto& op : shown->value("ops", nlohmann::json::array()))
      if (op.is_number_integer()) invokes.push_back(op.get<std::int64_t>());
    std::sort(invokes.begin(), invokes.end());
    const std::size_t first =
        invokes.size() > kNeighbourOpsMax + 1 ? invokes.size() - kNeighbourOpsMax - 1 : 0;
    for (std::size_t i = first; i < invokes.size(); ++i) {
      const bool anomaly = i + 1 == invokes.size();
      const NodeId node = add_op(
          {{"invoke_index", invokes[i]}, {"completion_index", completion_of(invokes[i])}}, anomaly);
      if (anomaly) anomaly_reply_node_ = node;
    }
    queue_anomaly_ = fmt::format("{} on key {}", shown->value("name", std::string("?")),
                                 shown->value("key", std::string("?")));
  }

  // The history index of the completion of the op invoked at `invoke_index`
  // (-1: it never completed).
  std::int64_t completion_of(std::int64_t invoke_index) const {
    if (invoke_index < 0 || static_cast<std::size_t>(invoke_index) >= outcome_.history.size())
      return -1;
    const auto completion =
        history::completion_position(outcome_.history, static_cast<std::size_t>(invoke_index));
    return completion ? outcome_.history[*completion].index : -1;
  }

  // The ops on the same key invoked after the one the checker cannot place
  // completed: usually the read that contradicts it.
  void add_later_ops_on_key(const nlohmann::json& explanation) {
    const auto blocked = explanation.find("blocked");
    const auto key_json = explanation.find("key");
    if (blocked == explanation.end() || key_json == explanation.end()) return;
    history::Value key;
    if (!history::value_from_json(*key_json, key)) return;
    const auto from_index =
        blocked->value("completion_index", blocked->value("invoke_index", -1LL));
    if (from_index < 0) return;
    std::map<std::int64_t, std::int64_t> pending;  // process -> invoke index
    std::size_t added = 0;
    for (std::size_t i = static_cast<std::size_t>(from_index) + 1;
         i < outcome_.history.size() && added < kLaterOpsMax; ++i) {
      const history::Op& op = outcome_.history[i];
      if (!op.key || *op.key != key) continue;
      if (op.type == history::OpType::invoke) {
        pending[op.process] = op.index;
        continue;
      }
      const auto invoked = pending.find(op.process);
      if (invoked == pending.end()) continue;
      add_op({{"invoke_index", invoked->second}, {"completion_index", op.index}}, false);
      pending.erase(invoked);
      ++added;
    }
  }

  // Adds an op's invocation and completion and the chain behind its reply;
  // returns the node that answered it (0: none did).
  NodeId add_op(const nlohmann::json& explained, bool anomaly) {
    const auto invoke_index = explained.value("invoke_index", -1LL);
    if (invoke_index < 0 || static_cast<std::size_t>(invoke_index) >= outcome_.history.size())
      return 0;
    if (!ops_added_.insert(invoke_index).second) return 0;
    const history::Op& invoke = outcome_.history[static_cast<std::size_t>(invoke_index)];
    const std::string lane = process_lane(invoke.process, outcome_.scenario.clients);
    add({invoke.time, "invoke", lane, "", -1, "invokes " + op_text(invoke), false},
        anomaly ? kAnchor : kContext);
    const auto completion_index = explained.value("completion_index", -1LL);
    if (completion_index < 0) return 0;
    const history::Op& completion = outcome_.history[static_cast<std::size_t>(completion_index)];
    std::string text =
        fmt::format("{} {}", history::op_type_name(completion.type), op_text(invoke));
    // What an ok completion says beyond its invocation: a read's value, a
    // poll's records, a send's offsets.
    if (completion.type == history::OpType::ok && completion.value != invoke.value)
      text += " -> " + shortened(history::format_value(completion.value));
    add({completion.time, "complete", lane, "", -1, text, anomaly}, anomaly ? kAnchor : kContext);
    const std::int64_t reply = accepted_reply(lane, completion.time);
    if (reply < 0) return 0;
    request_sent_ns_[reply] = invoke.time;
    walk_back(reply, invoke.time);
    return events_[static_cast<std::size_t>(reply)].node;
  }

  // The reply `lane`'s client accepted at `time_ns`, as a causal event index.
  std::int64_t accepted_reply(const std::string& lane, std::int64_t time_ns) const {
    for (std::size_t i = events_.size(); i-- > 0;) {
      const CausalEvent& event = events_[i];
      if (event.time_ns < time_ns) break;
      if (event.kind == CausalKind::client_reply && event.time_ns == time_ns &&
          fiber_lane(outcome_.fiber_names, event.fiber) == lane)
        return static_cast<std::int64_t>(i);
    }
    return -1;
  }

  // Follows immediate causes back from `index`: the step that sent a
  // reply, the message that step handled, the step that sent it, ... It
  // stops at a client's request (the op itself), a timer (the node chose
  // to act) or a boot. `invoked_ns` is when the op left its client.
  void walk_back(std::int64_t index, std::int64_t invoked_ns) {
    for (int hop = 0; index >= 0 && hop < kChainHopsMax; ++hop) {
      chain_.emplace(index, kChain);
      const CausalEvent& event = events_[static_cast<std::size_t>(index)];
      if (event.kind == CausalKind::client_request) request_sent_ns_.emplace(index, invoked_ns);
      if (event.kind == CausalKind::client_request || event.kind == CausalKind::timer ||
          event.kind == CausalKind::start)
        return;
      index = event.cause;
    }
  }

  void add_white_box_finding() {
    if (!outcome_.white_box) return;
    const JudgeFinding& finding = *outcome_.white_box;
    const std::string lane = finding.node ? node_lane(*finding.node) : "cluster";
    add({finding.time_ns, "finding", lane, "", -1,
         fmt::format("{} finds {}: {}", finding.judge, finding.anomaly, finding.detail),
         !outcome_.history_judge},
        kAnchor);
    // The step the finding followed: the last event at its time, on the
    // node it names if there is one (an observer's finding may name the
    // node at risk, not the one whose step revealed it).
    std::int64_t step = -1;
    for (std::size_t i = events_.size(); i-- > 0;) {
      const CausalEvent& event = events_[i];
      if (event.time_ns > finding.time_ns) continue;
      if (event.time_ns < finding.time_ns) break;
      if (step < 0) step = static_cast<std::int64_t>(i);
      if (finding.node && event.node == *finding.node) {
        step = static_cast<std::int64_t>(i);
        break;
      }
    }
    if (step >= 0) walk_back(step, -1);
    if (outcome_.history_judge && !outcome_.history_judge->gave_up) link_judges(finding);
  }

  // One sentence tying the white-box finding to the black-box anomaly.
  void link_judges(const JudgeFinding& finding) {
    const auto blocked = outcome_.explanation.find("blocked");
    if (blocked == outcome_.explanation.end() && queue_anomaly_.empty()) return;
    const std::string where = finding.node ? node_lane(*finding.node) : "the cluster";
    const std::string history_side =
        blocked != outcome_.explanation.end()
            ? "the history cannot place " + blocked->value("text", std::string("an op"))
            : "the history shows " + queue_anomaly_;
    link_ = fmt::format("one failure, two judges: the {} judge found {} on {} at {:.3f} ms, and {}",
                        finding.judge, finding.anomaly, where,
                        static_cast<double>(finding.time_ns) / 1e6, history_side);
    if (anomaly_reply_node_ != 0) link_ += fmt::format(", which n{} answered", anomaly_reply_node_);
    if (finding.node && anomaly_reply_node_ == *finding.node)
      link_ += " (the node the invariant names)";
  }

  void add_faults() {
    for (const auto& fault : outcome_.faults) {
      StoryBand band;
      for (NodeId node : fault.fault.nodes()) band.lanes.push_back(node_lane(node));
      band.start_ns = fault.fault.at_ns;
      band.end_ns = fault.end_ns >= 0 ? fault.end_ns : outcome_.simulated_ns;
      band.text = fault.detail;
      bands_.push_back(band);
      add({band.start_ns, "fault", "nemesis", "", -1, fault.detail, false}, kAnchor);
      if (fault.end_ns >= 0)
        add({fault.end_ns, "heal", "nemesis", "", -1, "heals: " + fault.detail, false}, kContext);
    }
    for (const auto& abort : outcome_.node_aborts) {
      add({abort.time_ns, "abort", node_lane(abort.node), "", -1,
           fmt::format("n{} aborts: {}: {}", abort.node, abort.invariant, abort.detail), false},
          kAnchor);
    }
  }

  StoryEvent from_causal(std::int64_t index) const {
    const CausalEvent& event = events_[static_cast<std::size_t>(index)];
    const std::int64_t cause_ns =
        event.cause >= 0 ? events_[static_cast<std::size_t>(event.cause)].time_ns : -1;
    StoryEvent story{
        event.time_ns, sim::causal_kind_name(event.kind), node_lane(event.node), "", -1, "", false};
    switch (event.kind) {
      case CausalKind::message:
        story.from_lane = node_lane(event.from);
        story.from_time_ns = cause_ns;
        story.text = fmt::format("n{} -> n{}: {}", event.from, event.node,
                                 described(system_.describe_message(event.payload), event));
        break;
      case CausalKind::client_request: {
        story.from_lane = fiber_lane(outcome_.fiber_names, event.fiber);
        const auto sent = request_sent_ns_.find(index);
        story.from_time_ns = sent != request_sent_ns_.end() ? sent->second : -1;
        story.text = fmt::format("{} -> n{}: {}", story.from_lane, event.node,
                                 described(system_.describe_request(event.payload), event));
        break;
      }
      case CausalKind::client_reply:
        story.lane = fiber_lane(outcome_.fiber_names, event.fiber);
        story.from_lane = node_lane(event.node);
        story.from_time_ns = cause_ns;
        story.text = fmt::format("n{} -> {}: {}", event.node, story.lane,
                                 described(system_.describe_reply(event.payload), event));
        break;
      case CausalKind::timer:
        story.text = fmt::format("n{}: a timer fires", event.node);
        break;
      case CausalKind::disk_done:
        story.text = fmt::format("n{}: a disk operation completes", event.node);
        break;
      case CausalKind::start:
        story.text = fmt::format("n{} starts", event.node);
        break;
    }
    return story;
  }

  static std::string described(std::string text, const CausalEvent& event) {
    return text.empty() ? fmt::format("{} bytes", event.payload.size()) : text;
  }

  // An op's completion and the reply its client accepted then are one
  // event: the completion, drawn as the reply's arrow from the node that
  // sent it.
  void fold_replies_into_completions() {
    std::map<std::pair<std::string, std::int64_t>, std::size_t> completions;  // (lane, time)
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
      const StoryEvent& event = candidates_[i].event;
      if (event.kind == "complete") completions.emplace(std::pair(event.lane, event.time_ns), i);
    }
    std::vector<bool> folded(candidates_.size(), false);
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
      const StoryEvent& reply = candidates_[i].event;
      if (reply.kind != "reply") continue;
      const auto it = completions.find({reply.lane, reply.time_ns});
      if (it == completions.end()) continue;
      Candidate& completion = candidates_[it->second];
      completion.event.from_lane = reply.from_lane;
      completion.event.from_time_ns = reply.from_time_ns;
      completion.event.text += " (answered by " + reply.from_lane + ")";
      completion.priority = std::min(completion.priority, candidates_[i].priority);
      folded[i] = true;
    }
    std::vector<Candidate> kept;
    for (std::size_t i = 0; i < candidates_.size(); ++i)
      if (!folded[i]) kept.push_back(std::move(candidates_[i]));
    candidates_ = std::move(kept);
  }

  // Sorted by time; when there are too many, chain events far from the
  // anomaly go first, then context.
  CausalStory finish() {
    fold_replies_into_completions();
    CausalStory story;
    std::int64_t anomaly_ns = outcome_.simulated_ns;
    for (const Candidate& candidate : candidates_)
      if (candidate.event.anomaly) anomaly_ns = candidate.event.time_ns;
    std::stable_sort(candidates_.begin(), candidates_.end(),
                     [&](const Candidate& a, const Candidate& b) {
                       if (a.priority != b.priority) return a.priority < b.priority;
                       return std::llabs(a.event.time_ns - anomaly_ns) <
                              std::llabs(b.event.time_ns - anomaly_ns);
                     });
    if (candidates_.size() > kStoryEventsMax) {
      story.events_left_out = candidates_.size() - kStoryEventsMax;
      candidates_.resize(kStoryEventsMax);
    }
    for (Candidate& candidate : candidates_) story.events.push_back(std::move(candidate.event));
    std::stable_sort(
        story.events.begin(), story.events.end(),
        [](const StoryEvent& a, const StoryEvent& b) { return a.time_ns < b.time_ns; });
    story.bands = bands_;
    story.link = link_;
    story.lanes = lanes(story);
    return story;
  }

  std::vector<std::string> lanes(const CausalStory& story) const {
    std::set<std::string> clients;
    for (const StoryEvent& event : story.events) {
      for (const std::string* lane : {&event.lane, &event.from_lane})
        if (!lane->empty() && !lane->starts_with("n") && *lane != "nemesis" && *lane != "cluster")
          clients.insert(*lane);
    }
    std::vector<std::string> lanes(clients.begin(), clients.end());
    for (std::uint32_t node = 0; node < outcome_.scenario.nodes; ++node)
      lanes.push_back(node_lane(kFirstNodeId + node));
    return lanes;
  }

  const RunOutcome& outcome_;
  const SystemFactory& system_;
  const std::vector<CausalEvent>& events_;
  std::vector<Candidate> candidates_;
  std::map<std::int64_t, int> chain_;  // causal event index -> priority
  std::map<std::int64_t, std::int64_t> request_sent_ns_;
  std::set<std::int64_t> ops_added_;
  std::vector<StoryBand> bands_;
  std::string link_;
  NodeId anomaly_reply_node_ = 0;
  std::string queue_anomaly_;  // "lost-write on key 2": a queue finding, for the link
};

}  // namespace

CausalStory causal_story(const RunOutcome& outcome, const SystemFactory& system) {
  return StoryBuilder(outcome, system).build();
}

std::string story_text(const CausalStory& story) {
  std::string text = fmt::format("causal story: {} events", story.events.size());
  if (story.events_left_out > 0) text += fmt::format(" ({} more left out)", story.events_left_out);
  text += "\n";
  for (std::size_t i = 0; i < story.events.size(); ++i) {
    const StoryEvent& event = story.events[i];
    text += fmt::format("  {:>2}. {:>11.3f} ms  {:<8} {}{}\n", i + 1,
                        static_cast<double>(event.time_ns) / 1e6, event.lane, event.text,
                        event.anomaly ? "   <- the failure" : "");
  }
  if (!story.link.empty()) text += "  " + story.link + "\n";
  return text;
}

nlohmann::json story_json(const CausalStory& story) {
  nlohmann::json events = nlohmann::json::array();
  for (const StoryEvent& event : story.events) {
    nlohmann::json json = {{"time_ns", event.time_ns},
                           {"kind", event.kind},
                           {"lane", event.lane},
                           {"text", event.text},
                           {"anomaly", event.anomaly}};
    if (!event.from_lane.empty()) {
      json["from_lane"] = event.from_lane;
      json["from_time_ns"] = event.from_time_ns;
    }
    events.push_back(std::move(json));
  }
  nlohmann::json bands = nlohmann::json::array();
  for (const StoryBand& band : story.bands)
    bands.push_back({{"lanes", band.lanes},
                     {"start_ns", band.start_ns},
                     {"end_ns", band.end_ns},
                     {"text", band.text}});
  return {{"lanes", story.lanes},
          {"events", events},
          {"bands", bands},
          {"link", story.link},
          {"events_left_out", story.events_left_out}};
}

}  // namespace simlab

#include "harness/shrink.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "checkers/history/value_format.h"
#include "harness/ddmin.h"
#include "harness/run/scripted_scenario.h"
#include "harness/systems/system_registry.h"

namespace simlab {
namespace {

std::string cluster_error_of(const Scenario& scenario) {
  const SystemEntry* system = find_system(scenario.system);
  return system == nullptr
             ? ""
             : system->factory->cluster_error(scenario.system_options.dump(), scenario.nodes);
}

using Clock = std::chrono::steady_clock;
using Indices = std::vector<std::size_t>;

constexpr std::int64_t kShortestFaultNs = kNanosecondsPerMillisecond;
constexpr std::int64_t kShortestSafetyMs = 10;

// When the failure showed: the completion of the op the checker could not
// place (its invocation if it never completed), else the white-box finding.
std::int64_t failure_shown_ns(const RunOutcome& outcome) {
  const auto& blocked = outcome.explanation.find("blocked");
  if (outcome.history_judge && blocked != outcome.explanation.end()) {
    const auto index = blocked->value("completion_index", blocked->value("invoke_index", -1LL));
    if (index >= 0 && static_cast<std::size_t>(index) < outcome.history.size())
      return outcome.history[static_cast<std::size_t>(index)].time;
  }
  return outcome.failure_time_ns;
}

std::string key_name(const ScriptedOp& op) { return op.key ? history::format_value(*op.key) : ""; }

// The scenario keeping, of the flattened ops (client by client, in order),
// only `kept`; clients keep their places even when left with no ops.
Scenario keep_ops(const Scenario& scenario,
                  const std::vector<std::pair<std::size_t, std::size_t>>& ops,
                  const Indices& kept) {
  Scenario candidate = scenario;
  for (ClientScript& script : candidate.script) script.clear();
  for (std::size_t index : kept) {
    const auto [client, position] = ops[index];
    candidate.script[client].push_back(scenario.script[client][position]);
  }
  return candidate;
}

class Shrinker {
 public:
  Shrinker(FailureSignature signature, const ShrinkBudget& budget, TrialRunner run,
           const std::function<void(const std::string&)>& log)
      : signature_(std::move(signature)),
        budget_(budget),
        deadline_(Clock::now() + budget.time_limit),
        run_(std::move(run)),
        log_(log) {}

  Scenario current;
  RunOutcome outcome;

  bool time_ran_out() const { return Clock::now() >= deadline_; }
  bool trials_ran_out() const { return trials_ >= budget_.trials_max; }
  bool spent() const { return trials_ran_out() || time_ran_out(); }
  std::size_t trials() const { return trials_; }

  // Runs the candidate; adopts it (and its outcome) if it fails the same way.
  bool attempt(const Scenario& candidate) {
    if (spent()) return false;
    ++trials_;
    RunOutcome candidate_outcome = run_(candidate);
    if (!fails_the_same_way(signature_, candidate_outcome)) return false;
    current = candidate;
    outcome = std::move(candidate_outcome);
    return true;
  }

  void say(const std::string& what) {
    log_(fmt::format("  {}: {} ops, {} faults, {} nodes, {} clients", what,
                     scripted_op_count(current.script), current.timeline.size(), current.nodes,
                     current.script.empty() ? current.clients : busy_clients(current)));
  }

  // The run as a script: its faults and its clients' ops, written down.
  void script_the_run() {
    Scenario scripted = scripted_scenario(current, outcome.faults);
    scripted.script = client_scripts(outcome.history, current.clients, kFinalReaderProcessBase);
    if (attempt(scripted)) {
      say("the faults and the ops replay as a script");
      // Removals stay local once each op draws on its own and no delay is
      // drawn: then removing an op does not reshuffle what follows it.
      switch_on(&Scenario::script_op_streams, "each op draws from its own stream");
      switch_on(&Scenario::minimum_latency, "every delay at its minimum");
      return;
    }
    scripted.script.clear();
    if (attempt(scripted)) return say("the faults replay as a script (the ops do not)");
    log_("  the faults do not fail the same way as a script; shrinking the rest only");
  }

  // The final reads (every key the history touched, read after the heal)
  // become scripted clients of their own, so delta debugging can keep only
  // the reads that show the failure.
  bool script_final_reads() {
    if (current.script.empty() || !current.final_reads) return false;
    Scenario candidate = current;
    candidate.final_reads = false;
    std::map<std::int64_t, ClientScript> readers;  // by process slot
    for (const history::Op& op : outcome.history) {
      if (op.process < kFinalReaderProcessBase || op.type != history::OpType::invoke) continue;
      const std::int64_t slot = (op.process - kFinalReaderProcessBase) % current.clients;
      readers[slot].push_back(ScriptedOp{op.time, op.f, op.key, op.value, op.node, op.final_read});
    }
    for (auto& [slot, reads] : readers) candidate.script.push_back(std::move(reads));
    candidate.clients = static_cast<std::uint32_t>(candidate.script.size());
    return attempt(candidate) && (say("the final reads are scripted"), true);
  }

  // Ops invoked after the failure showed cannot have caused it.
  bool cut_after_failure() {
    if (current.script.empty()) return false;
    const std::int64_t shown_ns = failure_shown_ns(outcome);
    if (shown_ns < 0) return false;
    Scenario candidate = current;
    for (ClientScript& script : candidate.script)
      std::erase_if(script, [&](const ScriptedOp& op) { return op.at_ns > shown_ns; });
    if (scripted_op_count(candidate.script) == scripted_op_count(current.script)) return false;
    return attempt(candidate) && (say("ops after the failure dropped"), true);
  }

  // Ops long before the failure seldom shape it, and delta debugging pays
  // a trial for every chunk it tries to remove: every op invoked before a
  // cut goes at once, at the latest cut (in eighths of the time up to the
  // failure) after which the run still fails.
  bool cut_before_failure() {
    if (current.script.empty()) return false;
    const std::int64_t shown_ns = failure_shown_ns(outcome);
    if (shown_ns <= 0) return false;
    for (int eighths = 7; eighths >= 1 && !spent(); --eighths) {
      const std::int64_t cut_ns = shown_ns / 8 * eighths;
      Scenario candidate = current;
      for (ClientScript& script : candidate.script)
        std::erase_if(script, [&](const ScriptedOp& op) { return op.at_ns < cut_ns; });
      if (scripted_op_count(candidate.script) == scripted_op_count(current.script)) continue;
      if (attempt(candidate))
        return say(fmt::format("ops before {:.3f} ms dropped", static_cast<double>(cut_ns) / 1e6)),
               true;
    }
    return false;
  }

  // A client is dropped by emptying its script, not by removing it: the
  // others keep their places, so their process ids and random streams
  // (named by place) stay as they were. Empty clients at the end then go
  // (that renumbers nobody) and the rest if the run still fails.
  bool drop_clients() {
    const std::size_t busy_before = busy_clients(current);
    if (busy_before <= 1) return trim_empty_clients();
    const Scenario base = current;
    std::vector<std::size_t> busy;
    for (std::size_t client = 0; client < base.script.size(); ++client)
      if (!base.script[client].empty()) busy.push_back(client);
    ddmin(
        busy.size(),
        [&](const Indices& kept) {
          if (kept.empty()) return false;
          Scenario candidate = base;
          for (std::size_t i = 0; i < busy.size(); ++i) {
            if (std::find(kept.begin(), kept.end(), i) == kept.end())
              candidate.script[busy[i]].clear();
          }
          return attempt(candidate);
        },
        [&] { return spent(); });
    const bool dropped = busy_clients(current) < busy_before;
    if (dropped) say("clients dropped");
    return trim_empty_clients() || dropped;
  }

  bool trim_empty_clients() {
    bool changed = false;
    while (current.script.size() > 1 && current.script.back().empty() && !spent()) {
      Scenario candidate = current;
      candidate.script.pop_back();
      candidate.clients = static_cast<std::uint32_t>(candidate.script.size());
      if (!attempt(candidate)) break;
      changed = true;
    }
    if (current.script.size() > 1 && !spent() &&
        std::any_of(current.script.begin(), current.script.end(),
                    [](const ClientScript& s) { return s.empty(); })) {
      Scenario candidate = current;
      std::erase_if(candidate.script, [](const ClientScript& script) { return script.empty(); });
      if (!candidate.script.empty()) {
        candidate.clients = static_cast<std::uint32_t>(candidate.script.size());
        changed |= attempt(candidate);
      }
    }
    return changed && (say("idle clients removed"), true);
  }

  static std::size_t busy_clients(const Scenario& scenario) {
    return static_cast<std::size_t>(
        std::count_if(scenario.script.begin(), scenario.script.end(),
                      [](const ClientScript& script) { return !script.empty(); }));
  }

  bool drop_keys() {
    std::vector<std::string> keys;
    for (const ClientScript& script : current.script)
      for (const ScriptedOp& op : script)
        if (std::find(keys.begin(), keys.end(), key_name(op)) == keys.end())
          keys.push_back(key_name(op));
    if (keys.size() <= 1) return false;
    const Scenario base = current;
    const Indices kept = ddmin(
        keys.size(),
        [&](const Indices& kept_keys) {
          Scenario candidate = base;
          for (ClientScript& script : candidate.script) {
            std::erase_if(script, [&](const ScriptedOp& op) {
              return std::none_of(kept_keys.begin(), kept_keys.end(),
                                  [&](std::size_t key) { return keys[key] == key_name(op); });
            });
          }
          return attempt(candidate);
        },
        [&] { return spent(); });
    return kept.size() < keys.size() && (say("keys dropped"), true);
  }

  bool drop_ops() {
    std::vector<std::pair<std::size_t, std::size_t>> ops;
    for (std::size_t client = 0; client < current.script.size(); ++client)
      for (std::size_t position = 0; position < current.script[client].size(); ++position)
        ops.emplace_back(client, position);
    if (ops.empty()) return false;
    const Scenario base = current;
    const Indices kept = ddmin(
        ops.size(), [&](const Indices& kept_ops) { return attempt(keep_ops(base, ops, kept_ops)); },
        [&] { return spent(); });
    return kept.size() < ops.size() && (say("ops dropped"), true);
  }

  bool drop_faults() {
    if (current.timeline.empty()) return false;
    const Scenario base = current;
    const Indices kept = ddmin(
        base.timeline.size(),
        [&](const Indices& faults) {
          Scenario candidate = base;
          candidate.timeline.clear();
          for (std::size_t fault : faults) candidate.timeline.push_back(base.timeline[fault]);
          return attempt(candidate);
        },
        [&] { return spent(); });
    return kept.size() < base.timeline.size() && (say("faults dropped"), true);
  }

  // Each fault held for half as long, while the run still fails.
  bool shorten_faults() {
    bool changed = false;
    for (std::size_t fault = 0; fault < current.timeline.size() && !spent(); ++fault) {
      while (current.timeline[fault].duration_ns / 2 >= kShortestFaultNs && !spent()) {
        Scenario candidate = current;
        candidate.timeline[fault].duration_ns /= 2;
        if (!attempt(candidate)) break;
        changed = true;
      }
    }
    return changed && (say("faults shortened"), true);
  }

  bool fewer_nodes() {
    bool changed = false;
    while (current.nodes > 1 && !spent()) {
      Scenario candidate = current;
      candidate.nodes = current.nodes > 3 ? current.nodes - 2 : current.nodes - 1;
      // A cluster the system refuses (the log's replication factor needs
      // that many brokers) would fail to replay: smaller ones are refused too.
      if (!cluster_error_of(candidate).empty()) break;
      candidate.regions = regions_within(current.regions, candidate.nodes);
      std::erase_if(candidate.timeline, [&](const faults::ScriptedFault& fault) {
        const auto nodes = fault.nodes();
        return std::any_of(nodes.begin(), nodes.end(),
                           [&](NodeId node) { return node > candidate.nodes; });
      });
      if (!attempt(candidate)) break;
      changed = true;
    }
    return changed && (say("nodes dropped"), true);
  }

  bool switch_to(bool Scenario::*flag, bool value, const char* what) {
    if (current.*flag == value) return false;
    Scenario candidate = current;
    candidate.*flag = value;
    return attempt(candidate) && (say(what), true);
  }
  bool switch_on(bool Scenario::*flag, const char* what) { return switch_to(flag, true, what); }

  // Each fault, on its own, halfway closer to the fault before it (or to
  // the start), while the run still fails: a fault that only has to come
  // after another need not wait seconds, and the time between them goes.
  bool move_faults_earlier() {
    bool changed = false;
    std::sort(current.timeline.begin(), current.timeline.end(),
              [](const auto& a, const auto& b) { return a.at_ns < b.at_ns; });
    for (std::size_t fault = 0; fault < current.timeline.size() && !spent(); ++fault) {
      const std::int64_t floor_ns = fault == 0 ? 0 : current.timeline[fault - 1].at_ns;
      for (int step = 0; step < 6 && !spent(); ++step) {
        const std::int64_t gap_ns = current.timeline[fault].at_ns - floor_ns;
        if (gap_ns < kNanosecondsPerMillisecond) break;
        Scenario candidate = current;
        candidate.timeline[fault].at_ns -= gap_ns / 2;
        if (!attempt(candidate)) break;
        changed = true;
      }
    }
    return changed && (say("faults moved earlier"), true);
  }

  // Every fault and op earlier by the same amount, with the end of the
  // safety phase: the cluster's state before the first of them is mostly
  // time spent waiting. The largest shift is tried first.
  bool move_earlier() {
    std::int64_t earliest_ns = current.safety_ms * kNanosecondsPerMillisecond;
    for (const auto& fault : current.timeline) earliest_ns = std::min(earliest_ns, fault.at_ns);
    for (const ClientScript& script : current.script)
      if (!script.empty()) earliest_ns = std::min(earliest_ns, script.front().at_ns);
    for (int eighths = 8; eighths >= 1 && !spent(); --eighths) {
      const std::int64_t shift_ms = earliest_ns * eighths / 8 / kNanosecondsPerMillisecond;
      if (shift_ms < 1 || current.safety_ms - shift_ms < kShortestSafetyMs) continue;
      const std::int64_t shift_ns = shift_ms * kNanosecondsPerMillisecond;
      Scenario candidate = current;
      for (auto& fault : candidate.timeline) fault.at_ns -= shift_ns;
      for (ClientScript& script : candidate.script)
        for (ScriptedOp& op : script) op.at_ns = std::max<std::int64_t>(0, op.at_ns - shift_ns);
      candidate.safety_ms -= shift_ms;
      if (attempt(candidate)) return say(fmt::format("everything {}ms earlier", shift_ms)), true;
    }
    return false;
  }

  // The shortest safety phase that still fails. Failing is not monotone in
  // the length (healing earlier changes what follows), so fractions are
  // tried smallest first, then a binary search refines.
  bool shorten_safety() {
    const std::int64_t before_ms = current.safety_ms;
    for (int eighths = 1; eighths < 8 && !spent(); ++eighths) {
      Scenario candidate = current;
      candidate.safety_ms = current.safety_ms * eighths / 8;
      if (candidate.safety_ms >= kShortestSafetyMs && attempt(candidate)) break;
    }
    for (std::int64_t step = current.safety_ms / 4; step >= kShortestSafetyMs && !spent();
         step /= 2) {
      Scenario candidate = current;
      candidate.safety_ms = current.safety_ms - step;
      attempt(candidate);
    }
    if (current.safety_ms == before_ms) return false;
    say(fmt::format("safety phase {}ms", current.safety_ms));
    return true;
  }

  // Without a script (the ops did not replay), fewer clients that think
  // longer is what is left to try.
  bool fewer_generated_ops() {
    bool changed = false;
    while (current.script.empty() && current.clients > 1 && !spent()) {
      Scenario candidate = current;
      candidate.clients = std::max<std::uint32_t>(1, current.clients / 2);
      if (!attempt(candidate)) break;
      changed = true;
    }
    // Thinking longer than the safety phase buys nothing (a client's first op
    // is its last), and the run would go on for as long as the client sleeps:
    // uncapped, the fixpoint doubled it to hours of simulated time per trial.
    for (int doubling = 0; doubling < 4 && current.script.empty() && !spent(); ++doubling) {
      Scenario candidate = current;
      candidate.think_ms_max = std::min<std::int64_t>(
          std::max<std::int64_t>(1, current.think_ms_max * 2), current.safety_ms);
      if (candidate.think_ms_max <= current.think_ms_max || !attempt(candidate)) break;
      changed = true;
    }
    return changed && (say("fewer generated ops"), true);
  }

  // One round of every pass; true when any of them made the run smaller.
  bool round() {
    bool changed = false;
    changed |= cut_after_failure();
    changed |= shorten_safety();
    changed |= drop_faults();
    changed |= switch_on(&Scenario::script_op_streams, "each op draws from its own stream");
    changed |= cut_before_failure();
    changed |= drop_clients();
    changed |= drop_keys();
    changed |= drop_ops();
    changed |= fewer_generated_ops();
    changed |= switch_to(&Scenario::final_reads, false, "final reads dropped");
    changed |= script_final_reads();
    changed |= fewer_nodes();
    changed |= shorten_faults();
    changed |= move_faults_earlier();
    changed |= move_earlier();
    changed |= switch_on(&Scenario::minimum_latency, "every delay at its minimum");
    return changed;
  }

 private:
  FailureSignature signature_;
  ShrinkBudget budget_;
  Clock::time_point deadline_;
  TrialRunner run_;
  const std::function<void(const std::string&)>& log_;
  std::size_t trials_ = 0;
};

}  // namespace

std::string FailureSignature::describe() const {
  if (judge.empty()) return fmt::format("{} ({})", run_verdict_name(verdict), anomaly);
  return fmt::format("{}: {} found {}", run_verdict_name(verdict), judge, anomaly);
}

FailureSignature failure_signature(const RunOutcome& outcome) {
  FailureSignature signature{outcome.verdict, "", outcome.anomaly};
  if (outcome.verdict != RunVerdict::safety_violation) return signature;
  if (outcome.history_judge && !outcome.history_judge->gave_up) {
    signature.judge = "history";
    signature.anomaly = outcome.history_judge->anomaly;
  } else if (outcome.white_box) {
    signature.judge = outcome.white_box->judge;
    signature.anomaly = outcome.white_box->anomaly;
  }
  return signature;
}

bool fails_the_same_way(const FailureSignature& signature, const RunOutcome& candidate) {
  if (candidate.verdict != signature.verdict) return false;
  if (signature.judge.empty()) return candidate.anomaly == signature.anomaly;
  if (signature.judge == "history") {
    return candidate.history_judge && !candidate.history_judge->gave_up &&
           candidate.history_judge->anomaly == signature.anomaly;
  }
  return candidate.white_box && candidate.white_box->judge == signature.judge &&
         candidate.white_box->anomaly == signature.anomaly;
}

ShrinkStats shrink_stats(const Scenario& scenario, const RunOutcome& outcome) {
  ShrinkStats stats;
  for (const auto& op : outcome.history) stats.ops += op.type == history::OpType::invoke;
  stats.faults = outcome.faults.size();
  stats.nodes = scenario.nodes;
  // A scripted client with no ops left does nothing: it is not counted.
  stats.clients = scenario.script.empty()
                      ? scenario.clients
                      : static_cast<std::uint32_t>(std::count_if(
                            scenario.script.begin(), scenario.script.end(),
                            [](const ClientScript& script) { return !script.empty(); }));
  stats.simulated_ns = outcome.simulated_ns;
  return stats;
}

ShrinkResult shrink(const Scenario& failing, const RunOutcome& original, const ShrinkBudget& budget,
                    const RunOptions& options, const std::function<void(const std::string&)>& log) {
  return shrink(
      failing, original, budget,
      [options](const Scenario& trial) { return run_scenario(trial, options); }, log);
}

ShrinkResult shrink(const Scenario& failing, const RunOutcome& original, const ShrinkBudget& budget,
                    const TrialRunner& run, const std::function<void(const std::string&)>& log) {
  Shrinker shrinker(failure_signature(original), budget, run, log);
  ShrinkResult result;
  shrinker.current = failing;
  shrinker.outcome = original;
  result.before = shrink_stats(failing, shrinker.outcome);
  shrinker.script_the_run();
  while (!shrinker.spent() && shrinker.round()) {
  }
  result.minimal = shrinker.current;
  result.minimal.name = failing.name + "-shrunk";
  result.outcome = std::move(shrinker.outcome);
  result.outcome.scenario.name = result.minimal.name;
  result.after = shrink_stats(result.minimal, result.outcome);
  result.trials = shrinker.trials();
  result.trials_ran_out = shrinker.trials_ran_out();
  result.time_ran_out = shrinker.time_ran_out();
  return result;
}

}  // namespace simlab

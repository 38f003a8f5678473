#include "harness/shrink.h"

#include <fmt/format.h>

#include <algorithm>

#include "harness/run/scripted_scenario.h"

namespace simlab {
namespace {

using Clock = std::chrono::steady_clock;

class Shrinker {
 public:
  Shrinker(std::string signature, std::chrono::milliseconds budget, const RunOptions& options,
           const std::function<void(const std::string&)>& log)
      : signature_(std::move(signature)),
        deadline_(Clock::now() + budget),
        options_(options),
        log_(log) {}

  bool out_of_time() const { return Clock::now() >= deadline_; }
  std::size_t trials() const { return trials_; }

  // Runs the candidate; keeps it (and its outcome) if it fails the same way.
  bool try_candidate(const Scenario& candidate, Scenario& current, RunOutcome& current_outcome) {
    if (out_of_time()) return false;
    ++trials_;
    RunOutcome outcome = run_scenario(candidate, options_);
    if (failure_signature(outcome) != signature_) return false;
    current = candidate;
    current_outcome = std::move(outcome);
    return true;
  }

  // ddmin over the scripted faults.
  void minimise_faults(Scenario& current, RunOutcome& outcome) {
    std::size_t granularity = 2;
    while (current.timeline.size() >= 1 && !out_of_time()) {
      const std::size_t count = current.timeline.size();
      granularity = std::min(granularity, count);
      const std::size_t chunk = (count + granularity - 1) / granularity;
      bool reduced = false;
      for (std::size_t start = 0; start < count && !reduced; start += chunk) {
        Scenario candidate = current;  // the complement: everything but this chunk
        candidate.timeline.erase(candidate.timeline.begin() + static_cast<std::ptrdiff_t>(start),
                                 candidate.timeline.begin() + static_cast<std::ptrdiff_t>(std::min(count, start + chunk)));
        reduced = try_candidate(candidate, current, outcome);
      }
      if (reduced) {
        log_(fmt::format("  faults: {} left", current.timeline.size()));
        granularity = std::max<std::size_t>(granularity - 1, 2);
        continue;
      }
      if (granularity >= count) break;  // every single fault is needed
      granularity = std::min(count, granularity * 2);
    }
  }

  void minimise_numbers(Scenario& current, RunOutcome& outcome) {
    while (current.clients > 1 && !out_of_time()) {
      Scenario candidate = current;
      candidate.clients = std::max<std::uint32_t>(1, current.clients / 2);
      if (!try_candidate(candidate, current, outcome)) break;
      log_(fmt::format("  clients: {}", current.clients));
    }
    // The shortest safety phase that still fails: the failure usually
    // happens at one moment and nothing after it matters. Failing is not
    // monotone in the length (healing earlier changes what follows), so
    // fractions are tried smallest first, then a binary search refines.
    for (int eighths = 1; eighths < 8 && !out_of_time(); ++eighths) {
      Scenario candidate = current;
      candidate.safety_ms = current.safety_ms * eighths / 8;
      if (candidate.safety_ms < 10) continue;
      if (try_candidate(candidate, current, outcome)) {
        log_(fmt::format("  safety phase: {}ms", current.safety_ms));
        break;
      }
    }
    for (std::int64_t step = current.safety_ms / 4; step >= 10 && !out_of_time(); step /= 2) {
      Scenario candidate = current;
      candidate.safety_ms = current.safety_ms - step;
      if (try_candidate(candidate, current, outcome)) log_(fmt::format("  safety phase: {}ms", current.safety_ms));
    }
    // Fewer operations before the faults: move every fault earlier by the
    // same amount (and the end of the safety phase with them), trying the
    // largest shift first.
    if (!current.timeline.empty()) {
      std::int64_t earliest_ns = current.timeline.front().at_ns;
      for (const auto& fault : current.timeline) earliest_ns = std::min(earliest_ns, fault.at_ns);
      for (int eighths = 8; eighths >= 1 && !out_of_time(); --eighths) {
        const std::int64_t shift_ns = earliest_ns * eighths / 8;
        const std::int64_t shift_ms = shift_ns / kNanosecondsPerMillisecond;
        if (shift_ms < 1 || current.safety_ms - shift_ms < 1) continue;
        Scenario candidate = current;
        for (auto& fault : candidate.timeline) fault.at_ns -= shift_ms * kNanosecondsPerMillisecond;
        candidate.safety_ms -= shift_ms;
        if (try_candidate(candidate, current, outcome)) {
          log_(fmt::format("  faults moved {}ms earlier, safety phase {}ms", shift_ms, current.safety_ms));
          break;
        }
      }
    }
    // Fewer operations in the same time: clients think longer between ops.
    for (int doubling = 0; doubling < 4 && !out_of_time(); ++doubling) {
      Scenario candidate = current;
      candidate.think_ms_max = std::max<std::int64_t>(1, current.think_ms_max * 2);
      if (!try_candidate(candidate, current, outcome)) break;
      log_(fmt::format("  think time up to {}ms", current.think_ms_max));
    }
    while (current.nodes > 1 && !out_of_time()) {
      Scenario candidate = current;
      candidate.nodes = current.nodes > 3 ? current.nodes - 2 : current.nodes - 1;
      std::erase_if(candidate.timeline, [&](const faults::ScriptedFault& fault) {
        const auto nodes = fault.nodes();
        return std::any_of(nodes.begin(), nodes.end(), [&](NodeId node) { return node > candidate.nodes; });
      });
      if (!try_candidate(candidate, current, outcome)) break;
      log_(fmt::format("  nodes: {}", current.nodes));
    }
  }

 private:
  std::string signature_;
  Clock::time_point deadline_;
  RunOptions options_;
  const std::function<void(const std::string&)>& log_;
  std::size_t trials_ = 0;
};

}  // namespace

std::string failure_signature(const RunOutcome& outcome) {
  return fmt::format("{}/{}", run_verdict_name(outcome.verdict), outcome.anomaly);
}

ShrinkStats shrink_stats(const Scenario& scenario, const RunOutcome& outcome) {
  ShrinkStats stats;
  for (const auto& op : outcome.history) stats.ops += op.type == history::OpType::invoke;
  stats.faults = outcome.faults.size();
  stats.nodes = scenario.nodes;
  stats.clients = scenario.clients;
  stats.simulated_ns = outcome.simulated_ns;
  return stats;
}

ShrinkResult shrink(const Scenario& failing, const std::string& signature,
                    std::chrono::milliseconds budget, const RunOptions& options,
                    const std::function<void(const std::string&)>& log) {
  Shrinker shrinker(signature, budget, options, log);
  ShrinkResult result;
  RunOutcome outcome = run_scenario(failing, options);
  result.before = shrink_stats(failing, outcome);
  Scenario current = failing;
  Scenario as_script = scripted_scenario(failing, outcome.faults);
  if (shrinker.try_candidate(as_script, current, outcome)) {
    log(fmt::format("  the {} faults replay as a script", current.timeline.size()));
    shrinker.minimise_faults(current, outcome);
  } else {
    log("  the faults do not fail the same way as a script; shrinking the rest only");
  }
  shrinker.minimise_numbers(current, outcome);
  if (!current.timeline.empty()) shrinker.minimise_faults(current, outcome);
  result.minimal = current;
  result.minimal.name = failing.name + "-shrunk";
  result.after = shrink_stats(current, outcome);
  result.outcome = std::move(outcome);
  result.trials = shrinker.trials();
  result.budget_ran_out = shrinker.out_of_time();
  return result;
}

}  // namespace simlab

// Shrinking a failing run: smaller scenarios that still fail the same way
// (same verdict and the same anomaly kind or invariant). First the run's
// faults become a script (rates off, every fault it injected scheduled at
// its time), then delta debugging (Zeller and Hildebrandt, "Simplifying and
// Isolating Failure-Inducing Input", TSE 2002) drops faults, then fewer
// clients, a shorter safety phase and fewer nodes are tried, each kept only
// if the run still fails the same way. Named PRNG streams make this work:
// removing one fault leaves the workload's and the network's draws as they
// were.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "harness/run/run_scenario.h"

namespace simlab {

struct ShrinkStats {
  std::size_t ops = 0;
  std::size_t faults = 0;
  std::uint32_t nodes = 0;
  std::uint32_t clients = 0;
  std::int64_t simulated_ns = 0;
};

struct ShrinkResult {
  Scenario minimal;
  RunOutcome outcome;  // the minimal scenario's run
  ShrinkStats before;
  ShrinkStats after;
  std::size_t trials = 0;
  bool budget_ran_out = false;
};

std::string failure_signature(const RunOutcome& outcome);
ShrinkStats shrink_stats(const Scenario& scenario, const RunOutcome& outcome);

// REQUIRES: `failing` (a resolved scenario) fails; `signature` is how.
// Every trial runs with `options` (the judges of the original run).
ShrinkResult shrink(const Scenario& failing, const std::string& signature,
                    std::chrono::milliseconds budget, const RunOptions& options,
                    const std::function<void(const std::string&)>& log);

}  // namespace simlab

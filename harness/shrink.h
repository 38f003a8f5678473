// Shrinking a failing run to its core: a smaller scenario that still fails
// the same way (the same judge finds the same anomaly kind or invariant, so
// a run the history's checker caught stays caught black-box).
//
// The run becomes a script first: its faults (every one it injected, at its
// time, rates off) and its clients' ops (each client's ops with their keys,
// values and invocation times, workloads/client_script.h). Then passes run
// to a fixpoint, each cheap, each kept only if the run still fails the same
// way: ops after the failure go; delta debugging (harness/ddmin.h) removes
// clients, keys, ops and faults; faults shorten; nodes go; final reads go;
// the ops and faults move earlier together; the safety phase shortens; and
// the schedule's own nondeterminism shrinks (every delay at its minimum, as
// DEMi minimises deliveries, NSDI 2016). Named PRNG streams make this work:
// removing one fault or one client leaves the others' draws as they were.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "harness/run/run_scenario.h"

namespace simlab {

struct ShrinkStats {
  std::size_t ops = 0;  // invocations in the history, final reads included
  std::size_t faults = 0;
  std::uint32_t nodes = 0;
  std::uint32_t clients = 0;
  std::int64_t simulated_ns = 0;
};

// What "fails the same way" means: the verdict, the judge that caught the
// run first ("history", "nodes", "observer"; empty for an unknown or a
// liveness failure) and that judge's anomaly.
struct FailureSignature {
  RunVerdict verdict = RunVerdict::valid;
  std::string judge;
  std::string anomaly;
  std::string describe() const;  // "safety_violation: history found linearizability"
};
FailureSignature failure_signature(const RunOutcome& outcome);
// A candidate fails the same way when its verdict is the same and the same
// judge finds the same anomaly (other judges may find more).
bool fails_the_same_way(const FailureSignature& signature, const RunOutcome& candidate);

// A work budget first (trials: the result is the same on every machine),
// wall time as a guard behind it.
struct ShrinkBudget {
  std::size_t trials_max = 2000;
  std::chrono::milliseconds time_limit{std::chrono::minutes(5)};
};

struct ShrinkResult {
  Scenario minimal;
  RunOutcome outcome;  // the minimal scenario's run
  ShrinkStats before;
  ShrinkStats after;
  std::size_t trials = 0;
  bool trials_ran_out = false;
  bool time_ran_out = false;  // then the result depends on the machine
};

ShrinkStats shrink_stats(const Scenario& scenario, const RunOutcome& outcome);

// REQUIRES: `original` is the run of `failing` (a resolved scenario), and
// it failed; the shrunk run must fail as failure_signature(original) says.
// Every trial runs with `options` (the judges of the original run).
ShrinkResult shrink(const Scenario& failing, const RunOutcome& original, const ShrinkBudget& budget,
                    const RunOptions& options, const std::function<void(const std::string&)>& log);

// The same with each trial run by `run` (the passes' own tests give it a
// failure of their choosing).
using TrialRunner = std::function<RunOutcome(const Scenario&)>;
ShrinkResult shrink(const Scenario& failing, const RunOutcome& original, const ShrinkBudget& budget,
                    const TrialRunner& run, const std::function<void(const std::string&)>& log);

}  // namespace simlab

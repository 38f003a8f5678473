// `--invariants all|nodes|none` and `--stop-at-first-violation`, shared by
// run, swarm, replay and shrink.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "harness/run/run_outcome.h"

namespace simlab {

struct JudgeFlags {
  std::string invariants;  // empty: not given
  bool stop_at_first_violation = false;
};

void add_judge_flags(boost::program_options::options_description& options, JudgeFlags& flags);
// Lays the flags given over `options` (the defaults, or what a run folder
// recorded). Throws std::invalid_argument naming the flag.
void apply_judge_flags(const JudgeFlags& flags, RunOptions& options);

}  // namespace simlab

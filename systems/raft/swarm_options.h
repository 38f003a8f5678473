// Swarm testing for Raft's tunables: FoundationDB's randomized knobs. A swarm
// run draws, per seed, the settings its scenario leaves open, so one
// scenario covers lease reads, elections without pre-vote, one-entry
// batches and frequent snapshots as well as the defaults. Each of these
// settings is a legal production configuration: a correct Raft is safe
// under all of them.
#pragma once

#include <nlohmann/json.hpp>

#include "systems/common/random_source.h"

namespace simlab::raft {

// Returns `written` (a system options object, {"raft": {...}} or {}) with
// every Raft tunable it does not set drawn from `random`. Lease reads are
// drawn only when `clock_drift_bound` (the largest clock-rate error the
// run's faults can cause, 0.2 for 20%) leaves a usable lease, and then
// state that bound in clock_drift_max, as an operator would.
nlohmann::json choose_swarm_options(const nlohmann::json& written, double clock_drift_bound,
                                    RandomSource& random);

}  // namespace simlab::raft

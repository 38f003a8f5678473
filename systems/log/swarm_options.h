// Swarm testing for the log's tunables (FoundationDB's randomized knobs): a
// swarm run draws, per seed, the settings its scenario leaves open, so one
// scenario covers two copies and three, Kafka's default min.insync.replicas
// of 1 as well as 2,
// fsync per batch and by interval, quick and slow ISR shrinking and broker
// fencing, and small fetches. Each is a legal production configuration: a
// correct log loses no acknowledged record under any of them.
#pragma once

#include <nlohmann/json.hpp>

#include "systems/common/random_source.h"

namespace simlab::commitlog {

// Returns `written` ({"log": {...}, "raft": {...}} or {}) with every log
// tunable it does not set drawn from `random`, and the controller's Raft
// tunables drawn as the Raft system draws them.
nlohmann::json choose_swarm_options(const nlohmann::json& written, double clock_drift_bound,
                                    RandomSource& random);

}  // namespace simlab::commitlog

#include "systems/log/swarm_options.h"

#include <array>

#include "systems/common/random_pick.h"
#include "systems/raft/swarm_options.h"

namespace simlab::commitlog {

nlohmann::json choose_swarm_options(const nlohmann::json& written, double clock_drift_bound,
                                    RandomSource& random) {
  nlohmann::json options = written.is_object() ? written : nlohmann::json::object();
  nlohmann::json& log = options["log"];
  if (!log.is_object()) log = nlohmann::json::object();
  // Every draw happens whether or not its key is written, so what a seed
  // picks for one knob does not depend on which others a scenario fixes.
  const bool interval = random.chance(0.5);
  const auto fsync_interval_ms = pick(std::array<int, 3>{5, 20, 100}, random);
  const bool min_insync_one = random.chance(0.5);
  const auto replica_lag_ms = pick(std::array<int, 3>{100, 300, 1000}, random);
  const auto session_timeout_ms = pick(std::array<int, 3>{300, 500, 1500}, random);
  const auto records_per_fetch = pick(std::array<int, 3>{1, 8, 64}, random);
  // Two copies are common in production and let the controller's Raft keep
  // its quorum while a partition's follower is cut off (its ISR shrinks to
  // the leader alone); three is the usual default.
  const int replication_factor = random.chance(0.5) ? 2 : 3;
  auto draw = [&](const char* key, const nlohmann::json& value) {
    if (!log.contains(key)) log[key] = value;
  };
  draw("fsync", interval ? "interval" : "every_batch");
  draw("fsync_interval_ms", fsync_interval_ms);
  draw("replica_lag_ms", replica_lag_ms);
  draw("session_timeout_ms", session_timeout_ms);
  draw("records_per_fetch", records_per_fetch);
  draw("replication_factor", replication_factor);
  if (!log.contains("min_insync")) {
    // Kafka's default is 1; 2 is what operators who fear loss set. Never
    // above the replication factor the scenario asks for.
    const int replication =
        log.contains("replication_factor") && log["replication_factor"].is_number_integer()
            ? log["replication_factor"].get<int>()
            : 3;
    log["min_insync"] = min_insync_one || replication < 2 ? 1 : 2;
  }
  nlohmann::json controller = nlohmann::json::object();
  if (options.contains("raft")) controller["raft"] = options["raft"];
  options["raft"] = raft::choose_swarm_options(controller, clock_drift_bound, random)["raft"];
  return options;
}

}  // namespace simlab::commitlog

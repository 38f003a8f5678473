#include "systems/raft/swarm_options.h"

#include <array>

#include "systems/common/random_pick.h"
#include "systems/raft/options.h"

namespace simlab::raft {

nlohmann::json choose_swarm_options(const nlohmann::json& written, double clock_drift_bound,
                                    RandomSource& random) {
  nlohmann::json options = written.is_object() ? written : nlohmann::json::object();
  nlohmann::json& raft = options["raft"];
  if (!raft.is_object()) raft = nlohmann::json::object();
  // Every draw happens whether or not its key is written, so what a seed
  // picks for one knob does not depend on which others a scenario fixes.
  const bool pre_vote = random.chance(0.75);
  const bool check_quorum = random.chance(0.5);
  const bool lease_reads = random.chance(0.5);
  const auto entries_per_message = pick(std::array<std::uint64_t, 3>{1, 4, 64}, random);
  const auto inflight_appends = pick(std::array<std::uint64_t, 2>{1, 8}, random);
  const auto snapshot_entries = pick(std::array<std::uint64_t, 2>{200, 1000}, random);
  auto draw = [&](const char* key, const nlohmann::json& value) {
    if (!raft.contains(key)) raft[key] = value;
  };
  draw("pre_vote", pre_vote);
  draw("entries_per_message", entries_per_message);
  draw("inflight_appends", inflight_appends);
  draw("snapshot_entries", snapshot_entries);
  if (!raft.contains("lease_reads")) {
    // A lease needs followers that refuse votes (check-quorum) and a drift
    // bound the lease can absorb; without both it stays off.
    Options probe;
    parse_options(options.dump(), probe);
    probe.lease_reads = true;
    probe.check_quorum = true;
    if (!raft.contains("clock_drift_max")) {
      probe.clock_drift_max = std::max(probe.clock_drift_max, clock_drift_bound);
    }
    const bool usable = probe.clock_drift_max >= clock_drift_bound &&
                        validate_options(probe).empty() &&
                        (!raft.contains("check_quorum") || raft["check_quorum"].get<bool>());
    raft["lease_reads"] = lease_reads && usable;
    if (lease_reads && usable) {
      raft["check_quorum"] = true;
      raft["clock_drift_max"] = probe.clock_drift_max;
    }
  }
  draw("check_quorum", check_quorum || raft["lease_reads"].get<bool>());
  return options;
}

}  // namespace simlab::raft

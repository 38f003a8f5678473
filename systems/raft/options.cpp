#include "systems/raft/options.h"

#include <nlohmann/json.hpp>

#include "systems/raft/limits.h"

namespace simlab::raft {

std::string validate_options(const Options& options) {
  if (options.tick_ns <= 0) return "raft.tick_ns must be positive";
  if (options.heartbeat_ticks < 1) return "raft.heartbeat_ticks must be at least 1";
  if (options.election_ticks <= options.heartbeat_ticks) {
    return "raft.election_ticks must exceed raft.heartbeat_ticks";
  }
  if (options.clock_drift_max < 0 || options.clock_drift_max >= 0.3) {
    return "raft.clock_drift_max must be in [0, 0.3)";
  }
  if (options.lease_reads && options.lease_ticks() < 1) {
    return "raft.election_ticks too small for lease reads at this clock_drift_max";
  }
  if (options.lease_reads && !options.check_quorum) {
    return "raft.lease_reads requires raft.check_quorum (followers must refuse votes)";
  }
  if (options.entries_per_message < 1 || options.entries_per_message > kEntriesPerMessageMax) {
    return "raft.entries_per_message must be in [1, " + std::to_string(kEntriesPerMessageMax) + "]";
  }
  if (options.inflight_appends < 1 || options.inflight_appends > kInflightAppendsMax) {
    return "raft.inflight_appends must be in [1, " + std::to_string(kInflightAppendsMax) + "]";
  }
  if (options.snapshot_entries < 2) return "raft.snapshot_entries must be at least 2";
  return {};
}

std::string parse_options(std::string_view json_text, Options& options) {
  if (json_text.empty()) return {};
  const auto root = nlohmann::json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return "options: not a JSON object";
  if (!root.contains("raft")) return {};
  const auto& raft = root.at("raft");
  if (!raft.is_object()) return "options.raft: not a JSON object";
  try {
    for (const auto& [key, value] : raft.items()) {
      if (key == "tick_ns") options.tick_ns = value.get<std::int64_t>();
      else if (key == "heartbeat_ticks") options.heartbeat_ticks = value.get<std::int64_t>();
      else if (key == "election_ticks") options.election_ticks = value.get<std::int64_t>();
      else if (key == "pre_vote") options.pre_vote = value.get<bool>();
      else if (key == "check_quorum") options.check_quorum = value.get<bool>();
      else if (key == "lease_reads") options.lease_reads = value.get<bool>();
      else if (key == "clock_drift_max") options.clock_drift_max = value.get<double>();
      else if (key == "snapshot_entries") options.snapshot_entries = value.get<std::uint64_t>();
      else if (key == "entries_per_message") options.entries_per_message = value.get<std::uint64_t>();
      else if (key == "inflight_appends") options.inflight_appends = value.get<std::uint64_t>();
      else return "options.raft: unknown key \"" + key + "\"";
    }
  } catch (const nlohmann::json::exception& error) {
    return std::string("options.raft: ") + error.what();
  }
  return validate_options(options);
}

}  // namespace simlab::raft

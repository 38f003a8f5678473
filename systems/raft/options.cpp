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

namespace {

// One option's value, checked for its type (and sign) before it is read:
// nlohmann's get<> would throw a message naming no field, or wrap -1 into
// 2^64 - 1.
template <typename T>
std::string read_option(const std::string& key, const nlohmann::json& value, T& out) {
  const std::string field = "raft." + key;
  if constexpr (std::is_same_v<T, bool>) {
    if (!value.is_boolean()) return field + ": expected true or false";
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!value.is_number()) return field + ": expected a number";
  } else {
    if (!value.is_number_integer()) return field + ": expected an integer";
    if (value.is_number_integer() && !value.is_number_unsigned() && value.get<std::int64_t>() < 0 &&
        std::is_unsigned_v<T>) {
      return field + ": expected a non-negative integer";
    }
  }
  out = value.get<T>();
  return {};
}

std::string read_key(const std::string& key, const nlohmann::json& value, Options& options) {
  if (key == "tick_ns") return read_option(key, value, options.tick_ns);
  if (key == "heartbeat_ticks") return read_option(key, value, options.heartbeat_ticks);
  if (key == "election_ticks") return read_option(key, value, options.election_ticks);
  if (key == "pre_vote") return read_option(key, value, options.pre_vote);
  if (key == "check_quorum") return read_option(key, value, options.check_quorum);
  if (key == "lease_reads") return read_option(key, value, options.lease_reads);
  if (key == "clock_drift_max") return read_option(key, value, options.clock_drift_max);
  if (key == "snapshot_entries") return read_option(key, value, options.snapshot_entries);
  if (key == "entries_per_message") return read_option(key, value, options.entries_per_message);
  if (key == "inflight_appends") return read_option(key, value, options.inflight_appends);
  return "raft." + key + ": unknown option";
}

}  // namespace

std::string parse_options(std::string_view json_text, Options& options) {
  if (json_text.empty()) return {};
  const auto root = nlohmann::json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return "not a JSON object";
  for (const auto& [key, value] : root.items()) {
    if (key != "raft") return key + ": unknown option group (expected raft)";
  }
  if (!root.contains("raft")) return {};
  const auto& raft = root.at("raft");
  if (!raft.is_object()) return "raft: expected an object";
  for (const auto& [key, value] : raft.items()) {
    if (std::string error = read_key(key, value, options); !error.empty()) return error;
  }
  return validate_options(options);
}

}  // namespace simlab::raft

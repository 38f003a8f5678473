#include "systems/log/log_options.h"

#include <nlohmann/json.hpp>

namespace simlab::commitlog {
namespace {

constexpr std::uint32_t kPartitionsMax = 64;

// A whole number of milliseconds, at least `minimum`.
std::string read_ms(const std::string& key, const nlohmann::json& value, std::int64_t minimum_ms,
                    std::int64_t& out_ns) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < minimum_ms) {
    return "log." + key + ": expected an integer of at least " + std::to_string(minimum_ms);
  }
  out_ns = value.get<std::int64_t>() * kNanosecondsPerMillisecond;
  return {};
}

std::string read_count(const std::string& key, const nlohmann::json& value, std::uint32_t minimum,
                       std::uint32_t maximum, std::uint32_t& out) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < minimum ||
      value.get<std::int64_t>() > maximum) {
    return "log." + key + ": expected an integer in [" + std::to_string(minimum) + ", " +
           std::to_string(maximum) + "]";
  }
  out = value.get<std::uint32_t>();
  return {};
}

std::string read_fsync(const nlohmann::json& value, FsyncPolicy& out) {
  if (value == "every_batch") {
    out = FsyncPolicy::every_batch;
  } else if (value == "interval") {
    out = FsyncPolicy::interval;
  } else {
    return "log.fsync: expected \"every_batch\" or \"interval\"";
  }
  return {};
}

std::string read_key(const std::string& key, const nlohmann::json& value, LogOptions& options) {
  if (key == "partitions") return read_count(key, value, 1, kPartitionsMax, options.partitions);
  if (key == "replication_factor") return read_count(key, value, 1, 64, options.replication_factor);
  if (key == "min_insync") return read_count(key, value, 1, 64, options.min_insync);
  if (key == "records_per_fetch") return read_count(key, value, 1, 4096, options.records_per_fetch);
  if (key == "fsync") return read_fsync(value, options.fsync);
  if (key == "fsync_interval_ms") return read_ms(key, value, 1, options.fsync_interval_ns);
  if (key == "tick_ms") return read_ms(key, value, 1, options.tick_ns);
  if (key == "fetch_interval_ms") return read_ms(key, value, 1, options.fetch_interval_ns);
  if (key == "replica_lag_ms") return read_ms(key, value, 1, options.replica_lag_ns);
  if (key == "heartbeat_ms") return read_ms(key, value, 1, options.heartbeat_ns);
  if (key == "session_timeout_ms") return read_ms(key, value, 1, options.session_timeout_ns);
  if (key == "group_session_timeout_ms")
    return read_ms(key, value, 1, options.group_session_timeout_ns);
  if (key == "txn_timeout_ms") return read_ms(key, value, 1, options.txn_timeout_ns);
  if (key == "txn_marker_retry_ms") return read_ms(key, value, 1, options.txn_marker_retry_ns);
  return "log." + key + ": unknown option";
}

std::string validate(const LogOptions& options) {
  if (options.min_insync > options.replication_factor) {
    return "log.min_insync: must not exceed log.replication_factor";
  }
  if (options.session_timeout_ns <= 2 * options.heartbeat_ns) {
    return "log.session_timeout_ms: must exceed twice log.heartbeat_ms";
  }
  return {};
}

}  // namespace

std::string parse_log_options(std::string_view json_text, LogOptions& options) {
  if (json_text.empty()) return {};
  const auto root = nlohmann::json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return "not a JSON object";
  nlohmann::json raft_group = nlohmann::json::object();
  for (const auto& [group, value] : root.items()) {
    if (group == "raft") {
      raft_group["raft"] = value;
    } else if (group != "log") {
      return group + ": unknown option group (expected log or raft)";
    }
  }
  if (root.contains("log")) {
    const auto& log = root.at("log");
    if (!log.is_object()) return "log: expected an object";
    for (const auto& [key, value] : log.items()) {
      if (std::string error = read_key(key, value, options); !error.empty()) return error;
    }
  }
  if (std::string error = validate(options); !error.empty()) return error;
  return raft::parse_options(raft_group.dump(), options.raft);
}

}  // namespace simlab::commitlog

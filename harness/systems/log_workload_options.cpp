#include "harness/systems/log_workload_options.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace simlab {
namespace {

std::string read_roles(const nlohmann::json& value, std::vector<LogRole>& roles) {
  const char* const expected =
      "roles: expected a nonempty list of \"producer\", \"consumer\" and \"mixed\"";
  if (!value.is_array() || value.empty()) return expected;
  std::vector<LogRole> read;
  for (const nlohmann::json& role : value) {
    if (role == "producer") {
      read.push_back(LogRole::producer);
    } else if (role == "consumer") {
      read.push_back(LogRole::consumer);
    } else if (role == "mixed") {
      read.push_back(LogRole::mixed);
    } else {
      return expected;
    }
  }
  roles = std::move(read);
  return {};
}

std::string read_percent(const std::string& key, const nlohmann::json& value, std::uint64_t& out) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
      value.get<std::int64_t>() > 100)
    return key + ": expected an integer from 0 to 100";
  out = value.get<std::uint64_t>();
  return {};
}

// A producer's batching: "batch_records_max" (1 to kBatchRecordsMax) and
// "send_values_max" (1 to kSendPipelineMax batches' worth, and by default
// all of it, so a send fills its pipeline).
std::string read_batching(const nlohmann::json& options_json, LogWorkloadOptions& options) {
  const auto read_count = [&](const char* key, std::uint64_t max, std::uint64_t& out) {
    const auto found = options_json.find(key);
    if (found == options_json.end()) return std::string{};
    if (!found->is_number_integer() || found->get<std::int64_t>() < 1 ||
        found->get<std::int64_t>() > static_cast<std::int64_t>(max))
      return std::string(key) + ": expected an integer from 1 to " + std::to_string(max);
    out = found->get<std::uint64_t>();
    return std::string{};
  };
  std::uint64_t batch = options.client.batch_records_max;
  if (std::string error = read_count("batch_records_max", commitlog::kBatchRecordsMax, batch);
      !error.empty())
    return error;
  options.client.batch_records_max = static_cast<std::uint32_t>(batch);
  options.send_values_max = send_values_max(options.client);
  return read_count("send_values_max", options.send_values_max, options.send_values_max);
}

}  // namespace

std::string read_log_workload_options(const nlohmann::json& options_json,
                                      LogWorkloadOptions& options) {
  if (!options_json.is_object()) return "expected an object";
  const std::array<std::pair<const char*, std::uint64_t*>, 6> percents{{
      {"send_percent", &options.send_percent},
      {"txn_percent", &options.txn_percent},
      {"txn_poll_percent", &options.txn_poll_percent},
      {"txn_abort_percent", &options.txn_abort_percent},
      {"subscribe_percent", &options.subscribe_percent},
      {"crash_percent", &options.crash_percent},
  }};
  for (const auto& item : options_json.items()) {
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    if (key == "roles") {
      if (std::string error = read_roles(value, options.roles); !error.empty()) return error;
      continue;
    }
    if (key == "batch_records_max" || key == "send_values_max") continue;  // read_batching's
    const auto percent = std::find_if(percents.begin(), percents.end(),
                                      [&](const auto& entry) { return key == entry.first; });
    if (percent == percents.end()) return key + ": unknown option of the queue workload";
    if (std::string error = read_percent(key, value, *percent->second); !error.empty())
      return error;
  }
  return read_batching(options_json, options);
}

}  // namespace simlab

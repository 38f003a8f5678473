#include "systems/log/log_system.h"

#include "systems/log/log_bugs.h"
#include "systems/log/log_messages.h"
#include "systems/log/log_node.h"
#include "systems/log/log_options.h"
#include "systems/log/metadata.h"
#include "systems/log/observer.h"
#include "systems/raft/limits.h"
#include "systems/raft/message.h"

namespace simlab::commitlog {

std::unique_ptr<Node> LogSystemFactory::make_node(const NodeConfig& config) const {
  return std::make_unique<LogNode>(config);
}

std::unique_ptr<ClusterObserver> LogSystemFactory::make_observer() const {
  return std::make_unique<LogObserver>();
}

std::vector<PlantedBug> LogSystemFactory::planted_bugs() const {
  return {log_bugs().begin(), log_bugs().end()};
}

std::string LogSystemFactory::options_error(std::string_view options_json) const {
  LogOptions options;
  return parse_log_options(options_json, options);
}

std::string LogSystemFactory::cluster_error(std::string_view options_json,
                                            std::uint32_t nodes) const {
  LogOptions options;
  if (!parse_log_options(options_json, options).empty()) return {};  // options_error says why
  if (options.replication_factor <= nodes) return {};
  return "log.replication_factor: " + std::to_string(options.replication_factor) +
         " replicas need as many brokers, and the cluster has " + std::to_string(nodes);
}

std::uint32_t LogSystemFactory::nodes_max() const {
  return static_cast<std::uint32_t>(raft::kMembersMax);
}

// None. acks=all commits a record on min_insync copies, but the ISR may
// shrink below that (writes then stop) down to the leader alone, and a
// copy outside the ISR is never elected: so damage to the one copy left in
// the ISR takes the partition offline, although the copies that left the
// ISR while it was below min_insync hold every committed record. Kafka
// before KIP-966 behaves so; its Eligible Leader Replicas elect those
// copies, and with them this could be min_insync - 1 (log-default seed 489
// at e9e13ff: the ISR shrank to n2, n2's copy was damaged, offline).
std::uint32_t LogSystemFactory::damaged_disks_tolerated(std::string_view /*options_json*/,
                                                        std::uint32_t /*nodes*/) const {
  return 0;
}

std::string LogSystemFactory::describe_message(ByteView payload) const {
  if (payload.empty()) return "";
  if (payload[0] == static_cast<std::uint8_t>(Channel::raft)) {
    const auto message = raft::decode_message(payload.subspan(1));
    return message ? "controller " + raft::message_text(*message) : "";
  }
  if (payload[0] == static_cast<std::uint8_t>(Channel::broker)) {
    const auto message = decode_broker_message(payload.subspan(1));
    return message ? broker_message_text(*message) : "";
  }
  return "";
}

std::string LogSystemFactory::describe_request(ByteView payload) const {
  const auto request = decode_client_request(payload);
  return request ? client_request_text(*request) : "";
}

std::string LogSystemFactory::describe_reply(ByteView payload) const {
  const auto reply = decode_client_reply(payload);
  return reply ? client_reply_text(*reply) : "";
}

}  // namespace simlab::commitlog

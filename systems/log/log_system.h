// The "log" system under test: a Kafka-like replicated commit log. Brokers
// hold partitions replicated by ISR with a high watermark; a controller
// (the project's Raft, run by every broker) owns leadership and the ISR.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "systems/common/node.h"

namespace simlab::commitlog {

class LogSystemFactory final : public SystemFactory {
 public:
  // Throws std::invalid_argument on bad options_json (see options_error).
  std::unique_ptr<Node> make_node(const NodeConfig& config) const override;
  std::unique_ptr<ClusterObserver> make_observer() const override;
  std::vector<PlantedBug> planted_bugs() const override;
  std::string options_error(std::string_view options_json) const override;
  std::string cluster_error(std::string_view options_json, std::uint32_t nodes) const override;
  std::uint32_t nodes_max() const override;
  std::uint32_t damaged_disks_tolerated(std::string_view options_json,
                                        std::uint32_t nodes) const override;
  // None: a Raft member that forgot its term and vote can vote twice in a
  // term (Raft needs its persistent state to survive: Ongaro's thesis, 3.8).
  std::uint32_t lost_disks_tolerated(std::string_view, std::uint32_t) const override { return 0; }
  std::string describe_message(ByteView payload) const override;
  std::string describe_request(ByteView payload) const override;
  std::string describe_reply(ByteView payload) const override;
};

inline constexpr std::string_view kLogSystemName = "log";

}  // namespace simlab::commitlog

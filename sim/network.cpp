#include "sim/network.h"

#include <algorithm>
#include <cassert>

namespace simlab::sim {

Network::Network(std::uint32_t node_count, LatencyModel latency)
    : node_count_(node_count), latency_(latency), links_(std::size_t{node_count + 1} * (node_count + 1)) {}

std::int64_t Network::plan_one(Link& link, std::int64_t now_ns, RandomSource& random) {
  const LatencyModel& model = link.faults.latency ? *link.faults.latency
                              : link.base_latency ? *link.base_latency
                                                  : latency_;
  std::int64_t time_ns = now_ns + model.sample(random);
  if (link.faults.reorder > 0 && random.chance(link.faults.reorder)) {
    // Overtaking: ignore FIFO order and wait up to one more latency, so later
    // messages can pass this one and this one can pass earlier ones.
    ++stats_.reordered;
    return time_ns + model.sample(random);
  }
  time_ns = std::max(time_ns, link.last_delivery_ns);
  link.last_delivery_ns = time_ns;
  return time_ns;
}

Network::Deliveries Network::plan_send(NodeId from, NodeId to, std::int64_t now_ns,
                                       RandomSource& random) {
  ++stats_.sent;
  Link& link = this->link(from, to);
  if (link.blocked) {
    ++stats_.dropped_partition;
    return {};
  }
  if (link.faults.loss > 0 && random.chance(link.faults.loss)) {
    ++stats_.dropped_loss;
    return {};
  }
  const bool duplicated = link.faults.duplicate > 0 && random.chance(link.faults.duplicate);
  const std::uint32_t copies = duplicated ? 2 : 1;
  if (link.in_flight + copies > kLinkInFlightMax) {
    ++stats_.dropped_queue_full;
    return {};
  }
  Deliveries deliveries;
  for (std::uint32_t copy = 0; copy < copies; ++copy) {
    const bool corrupted = link.faults.corrupt > 0 && random.chance(link.faults.corrupt);
    stats_.corrupted += corrupted ? 1 : 0;
    deliveries.items[deliveries.count++] = {plan_one(link, now_ns, random), corrupted};
  }
  stats_.duplicated += duplicated ? 1 : 0;
  link.in_flight += copies;
  return deliveries;
}

Network::Arrival Network::arrive(NodeId from, NodeId to, std::int64_t now_ns) {
  Link& link = this->link(from, to);
  assert(link.in_flight > 0);
  if (link.blocked) {
    --link.in_flight;
    ++stats_.dropped_partition;
    return Arrival::drop;
  }
  if (link.clog_until_ns > now_ns) return Arrival::defer;
  --link.in_flight;
  ++stats_.delivered;
  return Arrival::deliver;
}

void Network::corrupt_payload(Bytes& payload, RandomSource& random) {
  if (payload.empty()) return;
  const std::uint64_t bit = random.below(payload.size() * 8);
  payload[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
}

void Network::partition(const std::vector<std::vector<NodeId>>& groups) {
  for (std::size_t a = 0; a < groups.size(); ++a) {
    for (std::size_t b = 0; b < groups.size(); ++b) {
      if (a == b) continue;
      for (NodeId from : groups[a]) {
        for (NodeId to : groups[b]) block(from, to);
      }
    }
  }
}

void Network::heal_partitions() {
  for (Link& link : links_) link.blocked = false;
}

void Network::set_all_faults(const LinkFaults& faults) {
  for (Link& link : links_) link.faults = faults;
}

void Network::heal_all() {
  for (Link& link : links_) {
    link.blocked = false;
    link.clog_until_ns = 0;
    link.faults = LinkFaults{};
  }
}

}  // namespace simlab::sim

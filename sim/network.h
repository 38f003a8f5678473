// The virtual network between nodes: per-link one-way latency, loss,
// duplication, reordering, payload corruption, clogging and partitions of any
// shape (a partition is a set of blocked directed links, so one-way is just
// one direction blocked). Links are FIFO unless reordering picks a message
// to overtake. Each link holds a bounded number of messages in flight; past
// that, sends are dropped, as a full socket buffer would.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/latency_model.h"
#include "systems/common/random_source.h"
#include "systems/common/types.h"

namespace simlab::sim {

struct LinkFaults {
  double loss = 0;       // probability a message is dropped
  double duplicate = 0;  // probability a second copy is delivered
  double reorder = 0;    // probability a message skips FIFO order (and waits extra)
  double corrupt = 0;    // probability one bit of the payload flips
  std::optional<LatencyModel> latency;  // overrides the network's default
};

struct NetworkStats {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped_loss = 0;
  std::uint64_t dropped_partition = 0;
  std::uint64_t dropped_queue_full = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t reordered = 0;
};

class Network {
 public:
  static constexpr std::uint32_t kLinkInFlightMax = 4096;

  Network(std::uint32_t node_count, LatencyModel latency);

  // One planned delivery of a send.
  struct Delivery {
    std::int64_t time_ns;
    bool corrupted;
  };
  // At most two: a message is dropped, delivered, or duplicated. A fixed
  // array, not a vector: this is on every send's path.
  struct Deliveries {
    Delivery items[2];
    std::uint32_t count = 0;
  };
  // Plans the deliveries of one message sent now. Counts each copy in flight
  // until arrive() takes it off the link.
  Deliveries plan_send(NodeId from, NodeId to, std::int64_t now_ns, RandomSource& random);

  enum class Arrival : std::uint8_t { deliver, drop, defer };
  // Decides, at arrival time, whether a planned delivery reaches the node: a
  // partition that began while it was in flight drops it, a clog defers it to
  // clog_until(from, to).
  Arrival arrive(NodeId from, NodeId to, std::int64_t now_ns);

  // Flips one seeded bit of `payload` (a no-op on an empty payload).
  static void corrupt_payload(Bytes& payload, RandomSource& random);

  // Partitions: block or unblock one direction of one link.
  void block(NodeId from, NodeId to) { link(from, to).blocked = true; }
  void unblock(NodeId from, NodeId to) { link(from, to).blocked = false; }
  bool blocked(NodeId from, NodeId to) const { return link(from, to).blocked; }
  // Isolates the groups from each other (every link between two groups is
  // blocked both ways); nodes in no group keep their links.
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void heal_partitions();

  // Holds everything on from->to until `until_ns`, then releases it in order.
  void clog(NodeId from, NodeId to, std::int64_t until_ns) { link(from, to).clog_until_ns = until_ns; }
  std::int64_t clog_until_ns(NodeId from, NodeId to) const { return link(from, to).clog_until_ns; }

  void set_faults(NodeId from, NodeId to, const LinkFaults& faults) { link(from, to).faults = faults; }
  // The link's own latency, in place of the network's: not a fault (a
  // link between two regions is slow for the whole run), so no heal
  // clears it; a latency fault on the link still overrides it.
  void set_base_latency(NodeId from, NodeId to, const LatencyModel& latency) {
    link(from, to).base_latency = latency;
  }
  void set_all_faults(const LinkFaults& faults);
  // Every fault gone: partitions, clogs and per-link faults.
  void heal_all();

  std::uint32_t node_count() const { return node_count_; }
  const NetworkStats& stats() const { return stats_; }

 private:
  struct Link {
    LinkFaults faults;
    std::optional<LatencyModel> base_latency;
    bool blocked = false;
    std::int64_t clog_until_ns = 0;
    std::int64_t last_delivery_ns = 0;  // FIFO: the next delivery is not earlier
    std::uint32_t in_flight = 0;
  };
  // Ids run from 1 to node_count_; row and column 0 are never used.
  Link& link(NodeId from, NodeId to) { return links_[from * (node_count_ + 1) + to]; }
  const Link& link(NodeId from, NodeId to) const { return links_[from * (node_count_ + 1) + to]; }
  std::int64_t plan_one(Link& link, std::int64_t now_ns, RandomSource& random);

  std::uint32_t node_count_;
  LatencyModel latency_;
  std::vector<Link> links_;
  NetworkStats stats_;
};

}  // namespace simlab::sim

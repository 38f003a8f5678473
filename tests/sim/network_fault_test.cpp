#include <gtest/gtest.h>

#include "sim_test_support.h"

namespace simlab::sim {
namespace {

using testing::bytes_of;
using testing::ScriptFactory;
using testing::script_config;

// Each node, at start, sends one message to every other node.
ScriptFactory greeting_factory(std::uint32_t nodes) {
  ScriptFactory factory;
  for (NodeId id = 0; id < nodes; ++id) {
    factory.hooks.push_back([nodes](NodeContext& context, const testing::Seen& seen) {
      if (seen.what != "start") return;
      for (NodeId to = kFirstNodeId; to < kFirstNodeId + nodes; ++to) {
        if (to != context.self()) context.send(to, bytes_of("hello"));
      }
    });
  }
  return factory;
}

std::size_t messages_seen(const ScriptFactory& factory, NodeId node) {
  std::size_t count = 0;
  for (const auto& seen : factory.latest.at(node)->seen) count += seen.what == "message";
  return count;
}

TEST(Network, OneWayPartitionDropsAToBButNotBToA) {
  ScriptFactory factory = greeting_factory(2);
  Simulator simulator(script_config(factory, 2));
  simulator.network().block(1, 2);
  simulator.start();
  simulator.run_until(10'000'000);
  EXPECT_EQ(messages_seen(factory, 2), 0u);  // 1 -> 2 blocked
  EXPECT_EQ(messages_seen(factory, 1), 1u);  // 2 -> 1 flows
  EXPECT_EQ(simulator.network().stats().dropped_partition, 1u);
}

TEST(Network, PartitionThatBeginsInFlightDropsOnArrival) {
  ScriptFactory factory = greeting_factory(2);
  Simulator simulator(script_config(factory, 2));
  simulator.start();  // both messages now in flight, 1 ms latency
  simulator.at(500'000, [&] { simulator.network().partition({{1}, {2}}); });
  simulator.run_until(10'000'000);
  EXPECT_EQ(messages_seen(factory, 1) + messages_seen(factory, 2), 0u);
}

TEST(Network, LossDuplicationAndCorruption) {
  ScriptFactory factory = greeting_factory(2);
  SimConfig config = script_config(factory, 2);
  LinkFaults faults;
  faults.duplicate = 1.0;
  faults.corrupt = 1.0;
  Simulator simulator(config);
  simulator.network().set_all_faults(faults);
  simulator.start();
  simulator.run_until(10'000'000);
  ASSERT_EQ(messages_seen(factory, 2), 2u);
  for (const auto& seen : factory.latest.at(2)->seen) {
    if (seen.what == "message") {
      EXPECT_NE(seen.bytes, bytes_of("hello"));
    }
  }

  ScriptFactory lossy_factory = greeting_factory(2);
  Simulator lossy(script_config(lossy_factory, 2));
  LinkFaults loss;
  loss.loss = 1.0;
  lossy.network().set_all_faults(loss);
  lossy.start();
  lossy.run_until(10'000'000);
  EXPECT_EQ(messages_seen(lossy_factory, 1) + messages_seen(lossy_factory, 2), 0u);
}

TEST(Network, LinksAreFifoUnlessReorderingIsOn) {
  auto run = [](double reorder) {
    ScriptFactory factory;
    factory.hooks.push_back([](NodeContext& context, const testing::Seen& seen) {
      if (seen.what != "start") return;
      for (std::uint8_t i = 0; i < 50; ++i) context.send(2, Bytes{i});
    });
    SimConfig config = script_config(factory, 2);
    config.network_latency = LatencyModel::uniform(1'000, 1'000'000);
    Simulator simulator(config);
    LinkFaults faults;
    faults.reorder = reorder;
    simulator.network().set_all_faults(faults);
    simulator.start();
    simulator.run_until(100'000'000);
    std::vector<std::uint8_t> order;
    for (const auto& seen : factory.latest.at(2)->seen) {
      if (seen.what == "message") order.push_back(seen.bytes[0]);
    }
    return order;
  };
  const auto fifo = run(0);
  ASSERT_EQ(fifo.size(), 50u);
  EXPECT_TRUE(std::is_sorted(fifo.begin(), fifo.end()));
  const auto shuffled = run(0.5);
  ASSERT_EQ(shuffled.size(), 50u);
  EXPECT_FALSE(std::is_sorted(shuffled.begin(), shuffled.end()));
}

// Delays are drawn per message, keyed by its link and send time
// (sim/keyed_draws.h): one more message elsewhere, as when a shrink adds or
// drops a client op, must not reshuffle the delays of the others.
TEST(Network, AnExtraMessageLeavesTheOtherMessagesDelaysAlone) {
  auto arrivals_at_1 = [](bool extra) {
    ScriptFactory factory;
    factory.hooks.push_back([extra](NodeContext& context, const testing::Seen& seen) {
      if (seen.what == "start" && extra) context.send(3, bytes_of("extra"));
    });
    factory.hooks.push_back([](NodeContext& context, const testing::Seen& seen) {
      if (seen.what != "start") return;
      for (std::uint8_t i = 0; i < 20; ++i) context.send(1, Bytes{i});
    });
    SimConfig config = script_config(factory, 3);
    config.network_latency = LatencyModel::uniform(1'000, 1'000'000);
    Simulator simulator(config);
    simulator.start();
    simulator.run_until(100'000'000);
    std::vector<std::int64_t> times_ns;
    for (const auto& seen : factory.latest.at(1)->seen) {
      if (seen.what == "message") times_ns.push_back(seen.local_ns);
    }
    return times_ns;
  };
  const auto alone = arrivals_at_1(false);
  ASSERT_EQ(alone.size(), 20u);
  EXPECT_EQ(arrivals_at_1(true), alone);
  EXPECT_NE(alone.front(), alone.back()) << "the delays were drawn, not constant";
}

TEST(Network, ClogHoldsMessagesThenReleasesThemInOrder) {
  ScriptFactory factory = greeting_factory(2);
  Simulator simulator(script_config(factory, 2));
  simulator.network().clog(1, 2, 50'000'000);
  simulator.start();
  simulator.run_until(49'000'000);
  EXPECT_EQ(messages_seen(factory, 2), 0u);
  simulator.run_until(60'000'000);
  EXPECT_EQ(messages_seen(factory, 2), 1u);
  EXPECT_EQ(messages_seen(factory, 1), 1u);  // the other direction was never held
}

// A link's base latency (a link between regions) replaces the network's,
// outlives every heal, and gives way to a latency fault while one lasts.
TEST(Network, ABaseLatencyOutlivesHealsAndALatencyFaultOverridesIt) {
  Network network(2, LatencyModel::constant(1'000));
  Prng random(3);
  const auto delay_ns = [&](std::int64_t now_ns) {
    const Network::Deliveries deliveries = network.plan_send(1, 2, now_ns, random);
    EXPECT_EQ(deliveries.count, 1u);
    network.arrive(1, 2, deliveries.items[0].time_ns);
    return deliveries.items[0].time_ns - now_ns;
  };
  EXPECT_EQ(delay_ns(0), 1'000);
  network.set_base_latency(1, 2, LatencyModel::constant(40'000'000));
  EXPECT_EQ(delay_ns(1'000'000'000), 40'000'000);
  LinkFaults slow;
  slow.latency = LatencyModel::constant(90'000'000);
  network.set_faults(1, 2, slow);
  EXPECT_EQ(delay_ns(2'000'000'000), 90'000'000);
  network.heal_all();
  EXPECT_EQ(delay_ns(3'000'000'000), 40'000'000);
  EXPECT_EQ(network.plan_send(2, 1, 4'000'000'000, random).items[0].time_ns - 4'000'000'000,
            1'000);  // the other direction keeps the network's
}

TEST(Network, LatencyDistributionsStayInTheirBounds) {
  Prng random(9);
  const LatencyModel uniform = LatencyModel::uniform(100, 200);
  const LatencyModel pareto = LatencyModel::pareto(1'000, 1.2, 1'000'000);
  const LatencyModel exponential = LatencyModel::exponential(500, 1'000);
  std::int64_t pareto_max = 0;
  for (int i = 0; i < 10'000; ++i) {
    const auto u = uniform.sample(random);
    EXPECT_TRUE(u >= 100 && u <= 200);
    const auto p = pareto.sample(random);
    EXPECT_TRUE(p >= 1'000 && p <= 1'000'000);
    pareto_max = std::max(pareto_max, p);
    EXPECT_GE(exponential.sample(random), 500);
  }
  EXPECT_GT(pareto_max, 50'000);  // the long tail shows up in 10k draws
}

}  // namespace
}  // namespace simlab::sim

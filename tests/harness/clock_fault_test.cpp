// Clock faults hit a subset of nodes, as Jepsen's clock nemesis does: one
// scripted fault moves every node it names and its heal resets them all;
// drawn clock faults name more than one node some of the time.
#include <gtest/gtest.h>

#include <algorithm>

#include "faults/sim_nemesis.h"
#include "systems/register/register_node.h"

namespace simlab {
namespace {

using faults::FaultKind;
using faults::ScriptedFault;

sim::SimConfig three_registers() {
  static const register_demo::RegisterFactory factory;
  sim::SimConfig config;
  config.node_count = 3;
  config.factory = &factory;
  return config;
}

TEST(ClockFault, OneFaultMovesEveryNodeItNamesAndHealsThemAll) {
  sim::Simulator simulator(three_registers());
  ScriptedFault jump;
  jump.kind = FaultKind::clock;
  jump.mode = "jump";
  jump.node = 1;
  jump.more_nodes = {3};
  jump.amount = -5 * kNanosecondsPerSecond;
  jump.at_ns = 1 * kNanosecondsPerMillisecond;
  jump.duration_ns = 10 * kNanosecondsPerMillisecond;
  faults::SimNemesis nemesis(simulator, {}, {jump});
  simulator.start();
  nemesis.start(100 * kNanosecondsPerMillisecond);
  simulator.run_until(5 * kNanosecondsPerMillisecond);
  const std::int64_t now = simulator.now_ns();
  EXPECT_EQ(simulator.clock(1).offset_ns(now), -5 * kNanosecondsPerSecond);
  EXPECT_EQ(simulator.clock(2).offset_ns(now), 0);
  EXPECT_EQ(simulator.clock(3).offset_ns(now), -5 * kNanosecondsPerSecond);
  EXPECT_EQ(nemesis.timeline().front().detail, "clock jump n1,n3 -5000ms for 10ms");
  simulator.run_until(20 * kNanosecondsPerMillisecond);
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(simulator.clock(id).offset_ns(simulator.now_ns()), 0) << id;
}

TEST(ClockFault, DrawnFaultsSometimesNameSeveralNodes) {
  sim::Simulator simulator(three_registers());
  faults::FaultMix mix;
  mix.rate(FaultKind::clock) = 20.0;
  mix.strength(FaultKind::clock) = 1.0;
  mix.duration_ms_max = 20;
  faults::SimNemesis nemesis(simulator, mix, {});
  simulator.start();
  nemesis.start(2 * kNanosecondsPerSecond);
  simulator.run_until(2 * kNanosecondsPerSecond);
  const auto& timeline = nemesis.timeline();
  ASSERT_GT(timeline.size(), 10u);
  EXPECT_TRUE(std::any_of(timeline.begin(), timeline.end(),
                          [](const faults::FaultEvent& event) { return !event.fault.more_nodes.empty(); }));
  EXPECT_TRUE(std::any_of(timeline.begin(), timeline.end(),
                          [](const faults::FaultEvent& event) { return event.fault.more_nodes.empty(); }));
}

}  // namespace
}  // namespace simlab

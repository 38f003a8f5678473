#include <gtest/gtest.h>

#include <algorithm>

#include "sim_test_support.h"

namespace simlab::sim {
namespace {

using testing::bytes_of;
using testing::ScriptFactory;
using testing::script_config;
using testing::ScriptNode;
using testing::Seen;

TEST(NodeClock, AJumpIsSeenByOneNodeOnly) {
  ScriptFactory factory;
  for (int i = 0; i < 2; ++i) {
    factory.hooks.push_back([](NodeContext& context, const Seen& seen) {
      if (seen.what == "start") context.set_timer(1, 10'000'000);
    });
  }
  Simulator simulator(script_config(factory, 2));
  simulator.start();
  simulator.at(5'000'000, [&] { simulator.clock(2).jump(simulator.now_ns(), -3'000'000'000); });
  simulator.run_until(20'000'000);
  const auto& zero = factory.latest.at(1)->seen;
  const auto& one = factory.latest.at(2)->seen;
  ASSERT_EQ(zero.back().what, "timer");
  ASSERT_EQ(one.back().what, "timer");
  EXPECT_EQ(zero.back().local_ns, 10'000'000);
  EXPECT_EQ(one.back().local_ns, 10'000'000 - 3'000'000'000);
}

TEST(NodeClock, DriftStretchesTimersAndStrobeFlips) {
  NodeClock clock;
  clock.set_drift(0, 100'000);  // 10% fast
  EXPECT_EQ(clock.local_ns(1'000'000'000), 1'100'000'000);
  EXPECT_EQ(clock.true_duration_ns(110'000'000), 100'000'000);
  NodeClock strobing;
  strobing.start_strobe(500, 1'000);
  EXPECT_EQ(strobing.local_ns(100), 100);
  EXPECT_EQ(strobing.local_ns(1'100), 1'600);
  strobing.reset(2'000);
  EXPECT_EQ(strobing.local_ns(3'100), 3'100);
}

// CLOCK_MONOTONIC: drift changes its rate; jumps, strobe and a reset of the
// wall clock leave it running on from where it was.
TEST(NodeClock, MonotonicFollowsDriftAndIgnoresJumpsAndStrobe) {
  NodeClock clock;
  clock.jump(0, -5'000'000'000);
  clock.start_strobe(2'000'000'000, 1'000);
  EXPECT_EQ(clock.monotonic_ns(1'000'000'000), 1'000'000'000);
  clock.set_drift(1'000'000'000, 100'000);  // 10% fast from here
  EXPECT_EQ(clock.monotonic_ns(2'000'000'000), 2'100'000'000);
  clock.jump(2'000'000'000, -1'000'000'000);
  clock.reset(2'000'000'000);
  EXPECT_EQ(clock.monotonic_ns(2'000'000'000), 2'100'000'000);
  EXPECT_EQ(clock.monotonic_ns(3'000'000'000), 3'100'000'000);  // true rate again
}

TEST(NodeHost, CrashDropsMemoryAndTimersAndRestartRecovers) {
  ScriptFactory factory;
  int timers_fired = 0;
  int starts = 0;
  factory.hooks.push_back([&](NodeContext& context, const Seen& seen) {
    if (seen.what == "timer") ++timers_fired;
    if (seen.what != "start") return;
    ++starts;
    if (starts == 1) context.set_timer(7, 50'000'000);
  });
  Simulator simulator(script_config(factory, 1));
  simulator.start();
  simulator.run_until(10'000'000);
  simulator.crash(1);
  EXPECT_FALSE(simulator.is_up(1));
  EXPECT_EQ(simulator.node(1), nullptr);
  simulator.run_until(30'000'000);
  simulator.restart(1);
  simulator.run_until(100'000'000);  // the old process's timer must not fire in the new one
  EXPECT_EQ(timers_fired, 0);
  EXPECT_EQ(starts, 2);
  ASSERT_EQ(factory.latest.at(1)->seen.size(), 1u);  // memory is gone: only the new start
}

TEST(NodeHost, PauseHoldsEventsUntilItEnds) {
  ScriptFactory factory;
  factory.hooks.push_back([](NodeContext& context, const Seen& seen) {
    if (seen.what == "start") context.set_timer(1, 10'000'000);
  });
  Simulator simulator(script_config(factory, 1));
  simulator.start();
  simulator.pause(1, 100'000'000);
  simulator.run_until(50'000'000);
  EXPECT_EQ(factory.latest.at(1)->seen.size(), 1u);
  simulator.run_until(200'000'000);
  ASSERT_EQ(factory.latest.at(1)->seen.size(), 2u);
  EXPECT_EQ(factory.latest.at(1)->seen[1].local_ns, 100'000'000);
}

TEST(NodeHost, DiskOperationsCompleteAndEnospcIsAStatus) {
  ScriptFactory factory;
  factory.hooks.push_back([](NodeContext& context, const Seen& seen) {
    if (seen.what == "start") {
      context.disk_write("f", 0, Bytes(100, 1));
      context.disk_fsync("f");
      context.disk_read("f", 0, 1000);
      context.disk_write("g", 0, Bytes(100, 2));
    }
  });
  SimConfig config = script_config(factory, 1);
  config.disk.capacity_bytes = 150;
  Simulator simulator(config);
  simulator.start();
  simulator.run_until(1'000'000'000);
  const auto& seen = factory.latest.at(1)->seen;
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[1].status, DiskStatus::ok);
  EXPECT_EQ(seen[3].bytes.size(), 100u);
  EXPECT_EQ(seen[4].status, DiskStatus::no_space);
}

TEST(NodeHost, AnAssertionInANodeIsAFindingNotACrash) {
  ScriptFactory factory;
  factory.hooks.push_back([](NodeContext&, const Seen& seen) {
    if (seen.what == "timer") SIMLAB_ASSERT(false, "demo.invariant", "broken on purpose");
  });
  factory.hooks[0] = [](NodeContext& context, const Seen& seen) {
    if (seen.what == "start") context.set_timer(1, 1'000);
    if (seen.what == "timer") SIMLAB_ASSERT(false, "demo.invariant", "broken on purpose");
  };
  Simulator simulator(script_config(factory, 1));
  simulator.start();
  EXPECT_FALSE(simulator.run_until(1'000'000));
  ASSERT_TRUE(simulator.failure().has_value());
  EXPECT_EQ(simulator.failure()->kind, RunFailure::Kind::safety);
  EXPECT_EQ(simulator.failure()->invariant, "demo.invariant");
  EXPECT_EQ(simulator.failure()->node, NodeId{1});
}

TEST(Fibers, SleepCallAndTimeout) {
  ScriptFactory factory;
  factory.hooks.push_back([](NodeContext& context, const Seen& seen) {
    if (seen.what == "client" && seen.bytes == bytes_of("ping")) {
      context.reply(seen.detail, bytes_of("pong"));
    }
  });
  Simulator simulator(script_config(factory, 1));
  simulator.start();
  std::vector<std::string> log;
  simulator.spawn("client", [&] {
    simulator.sleep_for(5'000'000);
    log.push_back("woke at " + std::to_string(simulator.now_ns()));
    const CallResult answered = simulator.call(1, bytes_of("ping"), 10'000'000);
    log.push_back(answered.status == CallResult::Status::ok
                      ? std::string(answered.response.begin(), answered.response.end())
                      : "timeout");
    const CallResult ignored = simulator.call(1, bytes_of("silence"), 10'000'000);
    log.push_back(ignored.status == CallResult::Status::ok ? "reply" : "timeout");
  });
  simulator.run_until(1'000'000'000);
  EXPECT_EQ(log, (std::vector<std::string>{"woke at 5000000", "pong", "timeout"}));
}

// A pipeline: every request leaves at once, each with its own latency, so a
// node may see them out of order; each result is its own request's, a
// request with no answer is a timeout, and the call returns as soon as the
// last answer is in (or at the timeout, when one never comes).
TEST(Fibers, CallAllPipelinesRequestsAndMatchesEachReplyToItsRequest) {
  ScriptFactory factory;
  std::vector<std::string> arrived;
  const ScriptNode::Hook echo = [&](NodeContext& context, const Seen& seen) {
    if (seen.what != "client") return;
    const std::string text(seen.bytes.begin(), seen.bytes.end());
    arrived.push_back(text);
    if (text != "silence") context.reply(seen.detail, bytes_of("re " + text));
  };
  factory.hooks = {echo, echo};
  Simulator simulator(script_config(factory, 2));
  simulator.start();
  std::vector<std::string> answers;
  std::int64_t answered_all_ns = 0;
  std::int64_t with_silence_ns = 0;
  Prng latency_random(7);
  simulator.spawn("client", [&] {
    const std::string texts[] = {"0", "1", "2", "3", "4", "5", "6", "7"};
    std::vector<CallRequest> requests;
    for (const std::string& text : texts)
      requests.push_back(CallRequest{text == "3" ? NodeId{2} : NodeId{1}, bytes_of(text)});
    const std::int64_t start_ns = simulator.now_ns();
    const auto results = simulator.call_all(std::move(requests), 10'000'000, latency_random);
    answered_all_ns = simulator.now_ns() - start_ns;
    for (const CallResult& result : results)
      answers.push_back(std::string(result.response.begin(), result.response.end()));
    std::vector<CallRequest> second;
    second.push_back(CallRequest{1, bytes_of("a")});
    second.push_back(CallRequest{1, bytes_of("silence")});
    const std::int64_t second_ns = simulator.now_ns();
    const auto partial = simulator.call_all(std::move(second), 10'000'000, latency_random);
    with_silence_ns = simulator.now_ns() - second_ns;
    answers.push_back(std::string(partial[0].response.begin(), partial[0].response.end()));
    answers.push_back(partial[1].status == CallResult::Status::timeout ? "timeout" : "answered");
  });
  simulator.run_until(1'000'000'000);
  EXPECT_EQ(answers, (std::vector<std::string>{"re 0", "re 1", "re 2", "re 3", "re 4", "re 5",
                                               "re 6", "re 7", "re a", "timeout"}));
  EXPECT_LT(answered_all_ns, 1'000'000) << "no waiting for the timeout once all are in";
  EXPECT_EQ(with_silence_ns, 10'000'000);
  const std::vector<std::string> first_eight(arrived.begin(), arrived.begin() + 8);
  EXPECT_FALSE(std::is_sorted(first_eight.begin(), first_eight.end()))
      << "each request draws its own latency";
}

TEST(Fibers, AThrowingFiberEndsTheRunAsAnInternalError) {
  ScriptFactory factory;
  Simulator simulator(script_config(factory, 1));
  simulator.start();
  simulator.spawn("nemesis", [&] {
    simulator.sleep_for(1'000);
    throw std::runtime_error("nemesis bug");
  });
  EXPECT_FALSE(simulator.run_until(1'000'000));
  ASSERT_TRUE(simulator.failure().has_value());
  EXPECT_EQ(simulator.failure()->kind, RunFailure::Kind::internal);
  EXPECT_NE(simulator.failure()->detail.find("nemesis bug"), std::string::npos);
}

TEST(Fibers, SuspendedFibersUnwindWhenTheSimulatorIsDestroyed) {
  ScriptFactory factory;
  bool unwound = false;
  {
    Simulator simulator(script_config(factory, 1));
    simulator.start();
    simulator.spawn("sleeper", [&] {
      struct Guard {
        bool& flag;
        ~Guard() { flag = true; }
      } guard{unwound};
      simulator.sleep_for(1'000'000'000'000);
    });
    simulator.run_until(1'000);
  }
  EXPECT_TRUE(unwound);
}

TEST(Buggify, OffByDefaultAndSeededWhenOn) {
  auto fired = [](bool on, std::uint64_t seed) {
    ScriptFactory factory;
    int count = 0;
    factory.hooks.push_back([&count](NodeContext& context, const Seen& seen) {
      if (seen.what != "start") return;
      for (int i = 0; i < 1000; ++i) count += context.buggify("site.a") ? 1 : 0;
    });
    SimConfig config = script_config(factory, 1, seed);
    config.buggify = on;
    Simulator simulator(config);
    simulator.start();
    return count;
  };
  for (std::uint64_t seed = 1; seed <= 20; ++seed) EXPECT_EQ(fired(false, seed), 0);
  int seeds_with_site_active = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const int count = fired(true, seed);
    EXPECT_EQ(count, fired(true, seed));
    seeds_with_site_active += count > 0;
    if (count > 0) {
      EXPECT_LT(count, 200);
    }
  }
  EXPECT_GT(seeds_with_site_active, 0);
  EXPECT_LT(seeds_with_site_active, 40);
}

}  // namespace
}  // namespace simlab::sim

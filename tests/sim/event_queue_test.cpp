#include "sim/event_queue.h"

#include <gtest/gtest.h>

namespace simlab::sim {
namespace {

TEST(EventQueue, PopsByTimeThenBySchedulingOrder) {
  EventQueue queue;
  queue.push(30, EventKind::timer, 0, 1, 0);
  queue.push(10, EventKind::timer, 0, 2, 0);
  queue.push(20, EventKind::timer, 0, 3, 0);
  queue.push(10, EventKind::timer, 0, 4, 0);  // ties with the second: runs after it
  queue.push(10, EventKind::timer, 0, 5, 0);
  std::vector<std::uint64_t> order;
  while (!queue.empty()) order.push_back(queue.pop().a);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 4, 5, 3, 1}));
}

TEST(EventQueue, ManyTiesKeepInsertionOrder) {
  EventQueue queue;
  for (std::uint64_t i = 0; i < 1000; ++i) queue.push(static_cast<std::int64_t>(i % 3), EventKind::timer, 0, i, 0);
  std::int64_t last_time = -1;
  std::uint64_t last_a = 0;
  while (!queue.empty()) {
    const Event event = queue.pop();
    if (event.time_ns == last_time) {
      EXPECT_GT(event.a, last_a);
    }
    EXPECT_GE(event.time_ns, last_time);
    last_time = event.time_ns;
    last_a = event.a;
  }
}

}  // namespace
}  // namespace simlab::sim

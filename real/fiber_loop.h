// Fibers on a real event loop: the harness's clients and nemesis in a real
// run, written exactly as for the simulator (sleep_for, blocking calls),
// run on wall-clock time. Test time (now_ns) counts from the loop's start.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "real/event_loop.h"
#include "sim/fiber.h"

namespace simlab::real {

class FiberLoop {
 public:
  explicit FiberLoop(EventLoop& loop);
  ~FiberLoop();
  FiberLoop(const FiberLoop&) = delete;
  FiberLoop& operator=(const FiberLoop&) = delete;

  EventLoop& events() { return loop_; }
  std::int64_t now_ns() const;  // test time
  std::int64_t to_monotonic_ns(std::int64_t test_ns) const { return start_ns_ + test_ns; }

  void spawn(std::string name, std::function<void()> body);
  void at(std::int64_t test_ns, std::function<void()> action);

  // From inside a fiber.
  void sleep_for(std::int64_t duration_ns);
  // Suspends the current fiber until wake(its id, the generation returned)
  // or `deadline_test_ns`; true if woken, false on the deadline.
  std::uint32_t current() const;
  std::uint64_t prepare_wait();  // bumps the current fiber's generation
  bool wait(std::uint64_t generation, std::int64_t deadline_test_ns);
  void wake(std::uint32_t fiber, std::uint64_t generation);

  // Runs until test time `until_ns`, `done()` (checked after each round of
  // events) or a failed fiber. False once a fiber has failed.
  bool run_until(
      std::int64_t until_ns, const std::function<bool()>& done = [] { return false; });
  const std::optional<std::string>& failure() const { return failure_; }

 private:
  void resume(std::uint32_t fiber);
  EventLoop& loop_;
  std::int64_t start_ns_;
  std::vector<std::unique_ptr<sim::Fiber>> fibers_;
  std::vector<bool> woken_;  // per fiber: the last wait ended by wake()
  std::int64_t current_ = -1;
  std::optional<std::string> failure_;
};

}  // namespace simlab::real

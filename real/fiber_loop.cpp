#include "real/fiber_loop.h"

#include <stdexcept>

namespace simlab::real {

FiberLoop::FiberLoop(EventLoop& loop) : loop_(loop), start_ns_(monotonic_now_ns()) {}

FiberLoop::~FiberLoop() {
  for (auto& fiber : fibers_) fiber->cancel();
  fibers_.clear();
}

std::int64_t FiberLoop::now_ns() const { return monotonic_now_ns() - start_ns_; }

void FiberLoop::spawn(std::string name, std::function<void()> body) {
  const auto id = static_cast<std::uint32_t>(fibers_.size());
  fibers_.push_back(std::make_unique<sim::Fiber>(std::move(name), std::move(body)));
  woken_.push_back(false);
  const std::uint64_t generation = fibers_.back()->generation;
  loop_.at(monotonic_now_ns(), [this, id, generation] {
    if (fibers_[id]->generation == generation) resume(id);
  });
}

void FiberLoop::at(std::int64_t test_ns, std::function<void()> action) {
  loop_.at(to_monotonic_ns(test_ns), std::move(action));
}

void FiberLoop::resume(std::uint32_t id) {
  sim::Fiber& fiber = *fibers_[id];
  if (fiber.finished()) return;
  const std::int64_t outer = current_;
  current_ = id;
  fiber.resume();
  current_ = outer;
  if (fiber.failed() && !failure_)
    failure_ = "fiber '" + fiber.name() + "' failed: " + fiber.error();
}

std::uint32_t FiberLoop::current() const {
  if (current_ < 0) throw std::logic_error("a fiber wait outside a fiber");
  return static_cast<std::uint32_t>(current_);
}

std::uint64_t FiberLoop::prepare_wait() {
  sim::Fiber& fiber = *fibers_[current()];
  woken_[current()] = false;
  return ++fiber.generation;
}

bool FiberLoop::wait(std::uint64_t generation, std::int64_t deadline_test_ns) {
  const std::uint32_t id = current();
  const EventLoop::TimerHandle timer =
      loop_.at(to_monotonic_ns(deadline_test_ns), [this, id, generation] {
        if (fibers_[id]->generation == generation) resume(id);
      });
  fibers_[id]->suspend();
  loop_.cancel(timer);
  const bool woken = woken_[id];
  ++fibers_[id]->generation;  // whichever came second is now stale
  return woken;
}

void FiberLoop::wake(std::uint32_t fiber, std::uint64_t generation) {
  if (fiber >= fibers_.size() || fibers_[fiber]->generation != generation) return;
  woken_[fiber] = true;
  resume(fiber);
}

void FiberLoop::sleep_for(std::int64_t duration_ns) {
  const std::uint64_t generation = prepare_wait();
  wait(generation, now_ns() + std::max<std::int64_t>(0, duration_ns));
}

bool FiberLoop::run_until(std::int64_t until_ns, const std::function<bool()>& done) {
  while (!failure_ && now_ns() < until_ns && !done()) {
    loop_.run_once(to_monotonic_ns(until_ns));
  }
  return !failure_;
}

}  // namespace simlab::real

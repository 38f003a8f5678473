// One thread's event loop on epoll: file descriptors with a callback each,
// and timers on CLOCK_MONOTONIC. A real node runs on one; so do the
// harness's client fibers. Nothing here knows about nodes or fibers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

namespace simlab::real {

// CLOCK_MONOTONIC in nanoseconds.
std::int64_t monotonic_now_ns();

class EventLoop {
 public:
  using Handler = std::function<void(std::uint32_t events)>;  // EPOLLIN, EPOLLOUT, EPOLLERR...
  using TimerHandle = std::uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // `events`: EPOLLIN and/or EPOLLOUT. Replaces an earlier watch of `fd`.
  void watch(int fd, std::uint32_t events, Handler handler);
  void unwatch(int fd);

  // Runs `action` once CLOCK_MONOTONIC reaches `deadline_ns`.
  TimerHandle at(std::int64_t deadline_ns, std::function<void()> action);
  void cancel(TimerHandle handle);

  // Waits at most until `wait_until_ns` (or the next timer) for events,
  // handles them and every due timer. Returns false after stop().
  bool run_once(std::int64_t wait_until_ns);
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

 private:
  void fire_due_timers();
  int epoll_fd_;
  bool stopped_ = false;
  std::unordered_map<int, Handler> handlers_;
  // (deadline, handle) -> action: ties fire in the order they were set.
  std::map<std::pair<std::int64_t, TimerHandle>, std::function<void()>> timers_;
  std::unordered_map<TimerHandle, std::int64_t> deadlines_;
  TimerHandle next_handle_ = 1;
};

}  // namespace simlab::real

#include "real/event_loop.h"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <vector>

namespace simlab::real {

std::int64_t monotonic_now_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

EventLoop::EventLoop() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::runtime_error("epoll_create1 failed: " + std::to_string(errno));
}

EventLoop::~EventLoop() { close(epoll_fd_); }

void EventLoop::watch(int fd, std::uint32_t events, Handler handler) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  const bool known = handlers_.contains(fd);
  handlers_[fd] = std::move(handler);
  if (epoll_ctl(epoll_fd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) != 0) {
    throw std::runtime_error("epoll_ctl failed for fd " + std::to_string(fd) + ": " +
                             std::to_string(errno));
  }
}

void EventLoop::unwatch(int fd) {
  if (handlers_.erase(fd) == 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerHandle EventLoop::at(std::int64_t deadline_ns, std::function<void()> action) {
  const TimerHandle handle = next_handle_++;
  timers_.emplace(std::make_pair(deadline_ns, handle), std::move(action));
  deadlines_[handle] = deadline_ns;
  return handle;
}

void EventLoop::cancel(TimerHandle handle) {
  auto found = deadlines_.find(handle);
  if (found == deadlines_.end()) return;
  timers_.erase({found->second, handle});
  deadlines_.erase(found);
}

void EventLoop::fire_due_timers() {
  const std::int64_t now_ns = monotonic_now_ns();
  while (!timers_.empty() && timers_.begin()->first.first <= now_ns && !stopped_) {
    auto first = timers_.begin();
    std::function<void()> action = std::move(first->second);
    deadlines_.erase(first->first.second);
    timers_.erase(first);
    action();
  }
}

bool EventLoop::run_once(std::int64_t wait_until_ns) {
  if (stopped_) return false;
  std::int64_t deadline_ns = wait_until_ns;
  if (!timers_.empty()) deadline_ns = std::min(deadline_ns, timers_.begin()->first.first);
  const std::int64_t wait_ns = std::max<std::int64_t>(0, deadline_ns - monotonic_now_ns());
  // Rounded up to the next millisecond: rounding down would spin.
  const int wait_ms =
      static_cast<int>(std::min<std::int64_t>((wait_ns + 999'999) / 1'000'000, 1'000));
  epoll_event events[64];
  const int ready = epoll_wait(epoll_fd_, events, 64, wait_ms);
  for (int i = 0; i < ready && !stopped_; ++i) {
    auto found = handlers_.find(events[i].data.fd);
    if (found == handlers_.end()) continue;  // unwatched by an earlier handler
    Handler handler = found->second;         // a copy: the handler may unwatch itself
    handler(events[i].events);
  }
  fire_due_timers();
  return !stopped_;
}

}  // namespace simlab::real

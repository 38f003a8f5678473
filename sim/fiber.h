// Processes that wait (clients, the nemesis) run as fibers on Boost.Context,
// so their code reads like blocking code. Fibers are cooperative and run on
// the simulator's one thread: a fiber runs until it sleeps or waits, then the
// event loop goes on. A fiber that throws ends with its error recorded (the
// run then ends with an internal-error verdict), never an abort.
#pragma once

#include <boost/context/fiber.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "systems/common/types.h"

namespace simlab::sim {

// Thrown inside a cancelled fiber by the wait it was suspended in.
struct FiberCancelled {};

class Fiber {
 public:
  static constexpr std::size_t kStackBytes = 256 * 1024;

  Fiber(std::string name, std::function<void()> body);
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // From the scheduler: runs the fiber until it suspends or finishes.
  void resume();
  // From inside the fiber: back to the scheduler until the next resume().
  void suspend();

  // Ends a suspended fiber cleanly: resumes it with cancelled() true, and the
  // wait it returns into throws FiberCancelled, unwinding its stack with
  // ordinary C++ exceptions (no Boost forced unwinding, which ASan cannot
  // follow across stacks).
  void cancel();
  bool cancelled() const { return cancelled_; }

  bool finished() const { return finished_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }

  // Bumped on every wait; a wake-up event carries the generation it was
  // scheduled for, so a stale one (the reply came first) is ignored.
  std::uint64_t generation = 0;
  // A call's requests are numbered awaited_first .. awaited_first +
  // replies.size() - 1; each reply slot stays empty until its reply comes.
  std::uint64_t awaited_first = 0;  // 0: not waiting for a reply
  std::vector<std::optional<Bytes>> replies;
  std::size_t replies_missing = 0;

 private:
  std::string name_;
  std::function<void()> body_;
  boost::context::fiber context_;  // the fiber, while it is suspended
  boost::context::fiber caller_;   // the scheduler, while the fiber runs
  bool finished_ = false;
  bool cancelled_ = false;
  // For AddressSanitizer's fiber-switch annotations (no-ops otherwise).
  const void* stack_bottom_ = nullptr;
  std::size_t stack_size_ = 0;
  const void* caller_bottom_ = nullptr;
  std::size_t caller_size_ = 0;
  std::string error_;
};

}  // namespace simlab::sim

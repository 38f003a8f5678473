#include "sim/fiber.h"

#include <exception>
#include <memory>

#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/stack_context.hpp>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define SIMLAB_START_SWITCH(save, bottom, size) __sanitizer_start_switch_fiber(save, bottom, size)
#define SIMLAB_FINISH_SWITCH(save, bottom, size) __sanitizer_finish_switch_fiber(save, bottom, size)
#else
#define SIMLAB_START_SWITCH(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#define SIMLAB_FINISH_SWITCH(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#endif

namespace simlab::sim {

namespace context = boost::context;

namespace {

// A fiber stack: mmap'd, with a guard page below it so an overflow faults
// cleanly instead of corrupting a neighbour. Under ASan its shadow is cleared
// on allocation: ASan does not see fiber switches, so a stack reused from an
// earlier fiber would still carry that fiber's stale redzones.
class GuardedStack {
 public:
  GuardedStack(std::size_t size_bytes, const void** bottom, std::size_t* size)
      : size_bytes_(size_bytes), bottom_(bottom), size_(size) {}

  context::stack_context allocate() {
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t total = size_bytes_ + page;
    void* base = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    mprotect(base, page, PROT_NONE);
#if defined(__SANITIZE_ADDRESS__)
    __asan_unpoison_memory_region(base, total);
#endif
    context::stack_context stack;
    stack.size = total;
    stack.sp = static_cast<char*>(base) + total;
    *bottom_ = base;  // ASan is told about switches onto this stack
    *size_ = total;
    return stack;
  }

  void deallocate(context::stack_context& stack) {
    void* base = static_cast<char*>(stack.sp) - stack.size;
#if defined(__SANITIZE_ADDRESS__)
    __asan_unpoison_memory_region(base, stack.size);
#endif
    munmap(base, stack.size);
  }

 private:
  std::size_t size_bytes_;
  const void** bottom_;
  std::size_t* size_;
};

}  // namespace

Fiber::Fiber(std::string name, std::function<void()> body)
    : name_(std::move(name)), body_(std::move(body)) {
  // A guard page below the stack turns an overflow into a clean fault
  // instead of silent corruption of a neighbour.
  context_ = context::fiber(
      std::allocator_arg, GuardedStack(kStackBytes, &stack_bottom_, &stack_size_),
      [this](context::fiber&& caller) {
        SIMLAB_FINISH_SWITCH(nullptr, &caller_bottom_, &caller_size_);
        caller_ = std::move(caller);
        try {
          if (!cancelled_) body_();  // cancelled before it ever ran
        } catch (const context::detail::forced_unwind&) {
          throw;  // Boost unwinding a fiber destroyed while suspended
        } catch (const FiberCancelled&) {
          // cancel(): the stack is unwound, nothing failed
        } catch (const std::exception& error) {
          error_ = error.what();
          if (error_.empty()) error_ = "exception with an empty message";
        } catch (...) {
          error_ = "non-standard exception";
        }
        finished_ = true;
        SIMLAB_START_SWITCH(nullptr, caller_bottom_, caller_size_);  // this stack dies
        return std::move(caller_);
      });
}

void Fiber::resume() {
  if (finished_) return;
  void* fake_stack = nullptr;
  SIMLAB_START_SWITCH(&fake_stack, stack_bottom_, stack_size_);
  context_ = std::move(context_).resume();
  SIMLAB_FINISH_SWITCH(fake_stack, nullptr, nullptr);
}

void Fiber::suspend() {
  void* fake_stack = nullptr;
  SIMLAB_START_SWITCH(&fake_stack, caller_bottom_, caller_size_);
  caller_ = std::move(caller_).resume();
  SIMLAB_FINISH_SWITCH(fake_stack, &caller_bottom_, &caller_size_);
  if (cancelled_) throw FiberCancelled{};
}

void Fiber::cancel() {
  if (finished_ || !context_) return;
  cancelled_ = true;
  resume();
}

}  // namespace simlab::sim

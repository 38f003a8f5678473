#include "sim/fiber.h"

#include <exception>
#include <memory>

#include <boost/context/protected_fixedsize_stack.hpp>

namespace simlab::sim {

namespace context = boost::context;

Fiber::Fiber(std::string name, std::function<void()> body)
    : name_(std::move(name)), body_(std::move(body)) {
  // A guard page below the stack turns an overflow into a clean fault
  // instead of silent corruption of a neighbour.
  context_ = context::fiber(
      std::allocator_arg, context::protected_fixedsize_stack(kStackBytes),
      [this](context::fiber&& caller) {
        caller_ = std::move(caller);
        try {
          body_();
        } catch (const context::detail::forced_unwind&) {
          throw;  // Boost unwinding a fiber destroyed while suspended
        } catch (const std::exception& error) {
          error_ = error.what();
          if (error_.empty()) error_ = "exception with an empty message";
        } catch (...) {
          error_ = "non-standard exception";
        }
        finished_ = true;
        return std::move(caller_);
      });
}

void Fiber::resume() {
  if (finished_) return;
  context_ = std::move(context_).resume();
}

void Fiber::suspend() { caller_ = std::move(caller_).resume(); }

}  // namespace simlab::sim

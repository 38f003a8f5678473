// The simulator's one event queue: a binary min-heap ordered by
// (time, sequence). The sequence number is the order of scheduling, so two
// events at the same nanosecond always run in the order they were scheduled:
// ties never depend on the heap's internals.
#pragma once

#include <cstdint>
#include <vector>

namespace simlab::sim {

enum class EventKind : std::uint8_t {
  message,         // a network message reaches a node (slot in message pool)
  timer,           // a node's timer fires (a = timer id, b = generation)
  disk_done,       // a disk operation completes (a = slot in disk op pool)
  client_request,  // a client request reaches a node (a = slot)
  client_reply,    // a node's reply reaches its client (a = slot)
  fiber_wake,      // a sleeping or waiting fiber times out (a = generation)
  callback,        // a harness or nemesis action (a = slot)
};

struct Event {
  std::int64_t time_ns;
  std::uint64_t sequence;
  EventKind kind;
  std::uint32_t target;  // node id or fiber id
  std::uint64_t a;
  std::uint64_t b;
};

class EventQueue {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }

  void push(std::int64_t time_ns, EventKind kind, std::uint32_t target, std::uint64_t a,
            std::uint64_t b) {
    heap_.push_back(Event{time_ns, next_sequence_++, kind, target, a, b});
    sift_up(heap_.size() - 1);
  }

  Event pop() {
    Event top = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    return top;
  }

 private:
  static bool before(const Event& x, const Event& y) {
    return x.time_ns < y.time_ns || (x.time_ns == y.time_ns && x.sequence < y.sequence);
  }
  void sift_up(std::size_t index) {
    Event moving = heap_[index];
    while (index > 0) {
      const std::size_t parent = (index - 1) / 2;
      if (!before(moving, heap_[parent])) break;
      heap_[index] = heap_[parent];
      index = parent;
    }
    heap_[index] = moving;
  }
  void sift_down(std::size_t index) {
    const std::size_t count = heap_.size();
    Event moving = heap_[index];
    while (true) {
      std::size_t child = 2 * index + 1;
      if (child >= count) break;
      if (child + 1 < count && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], moving)) break;
      heap_[index] = heap_[child];
      index = child;
    }
    heap_[index] = moving;
  }

  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace simlab::sim

#include "checkers/linearizability/search.h"

#include <algorithm>
#include <cassert>

namespace simlab::linearizability {
namespace {

constexpr std::int32_t kNone = -1;

// splitmix64 (Steele, Lea and Flood, OOPSLA 2014) gives each call a random
// 64-bit tag; a set's hash is the XOR of its members' tags, so adding or
// removing a call updates it in O(1).
std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Calls and returns in real-time order as a doubly linked list, so that a
// linearized call and its return can be unlinked and put back in O(1).
class EventList {
 public:
  explicit EventList(const std::vector<PartitionOp>& ops) {
    const auto count = static_cast<std::int32_t>(ops.size());
    std::vector<std::int32_t> order(2 * ops.size());
    for (std::int32_t i = 0; i < 2 * count; ++i) order[i] = i;
    // Node 2k is op k's call, 2k+1 its return. Open returns sort last, in op order.
    auto time = [&](std::int32_t node) {
      const PartitionOp& op = ops[node / 2];
      return node % 2 == 0 ? op.invoke_position : op.return_position;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
      return time(a) < time(b);
    });
    head_ = 2 * count;
    tail_ = head_ + 1;
    next_.assign(2 * ops.size() + 2, kNone);
    previous_.assign(2 * ops.size() + 2, kNone);
    std::int32_t last = head_;
    for (const std::int32_t node : order) {
      next_[last] = node;
      previous_[node] = last;
      last = node;
    }
    next_[last] = tail_;
    previous_[tail_] = last;
  }

  std::int32_t first() const { return next_[head_]; }
  std::int32_t next(std::int32_t node) const { return next_[node]; }
  bool empty() const { return next_[head_] == tail_; }

  // REQUIRES: `call` is a call node in the list. Unlinks it and its return.
  void lift(std::int32_t call) {
    unlink(call);
    unlink(call + 1);
  }
  // Undoes the matching lift; lifts are undone in reverse order.
  void unlift(std::int32_t call) {
    relink(call + 1);
    relink(call);
  }

 private:
  void unlink(std::int32_t node) {
    next_[previous_[node]] = next_[node];
    previous_[next_[node]] = previous_[node];
  }
  void relink(std::int32_t node) {
    next_[previous_[node]] = node;
    previous_[next_[node]] = node;
  }
  std::int32_t head_ = 0;
  std::int32_t tail_ = 0;
  std::vector<std::int32_t> next_;
  std::vector<std::int32_t> previous_;
};

// Lowe's cache: the (linearized set, state) configurations already explored.
// Open addressing over a flat arena of bitset words keeps it compact.
class ConfigurationCache {
 public:
  ConfigurationCache() { slots_.resize(1024); }

  // Returns false when the configuration was already present.
  bool insert(std::uint64_t hash, const std::vector<std::uint64_t>& set, std::int64_t state) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    const std::uint64_t key = hash ^ splitmix(static_cast<std::uint64_t>(state));
    std::size_t at = key & (slots_.size() - 1);
    while (slots_[at].used) {
      const Slot& slot = slots_[at];
      if (slot.key == key && slot.state == state &&
          std::equal(set.begin(), set.end(), arena_.begin() + static_cast<std::ptrdiff_t>(slot.offset))) {
        return false;
      }
      at = (at + 1) & (slots_.size() - 1);
    }
    slots_[at] = Slot{key, state, arena_.size(), true};
    arena_.insert(arena_.end(), set.begin(), set.end());
    ++count_;
    return true;
  }

  std::size_t memory_bytes() const {
    return arena_.capacity() * sizeof(std::uint64_t) + slots_.capacity() * sizeof(Slot);
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::int64_t state = 0;
    std::size_t offset = 0;
    bool used = false;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (!slot.used) continue;
      std::size_t at = slot.key & (slots_.size() - 1);
      while (slots_[at].used) at = (at + 1) & (slots_.size() - 1);
      slots_[at] = slot;
    }
  }
  std::size_t count_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint64_t> arena_;
};

// Feeds Model::may_reach: while linearizing a call, take the unlinearized
// read with the earliest return. If no unlinearized state-replacing call
// that could lead to that read was invoked before it returned, none can be
// the last one before the read, so the read must be reachable from the new
// state by the other calls alone.
class ReachPruner {
 public:
  ReachPruner(const Model& model, const std::vector<PartitionOp>& ops)
      : model_(model), ops_(ops), enabled_(model.prunes()) {
    if (!enabled_) return;
    read_rank_.assign(ops.size(), -1);
    reset_rank_.assign(ops.size(), -1);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const auto op = static_cast<std::int32_t>(i);
      if (model.resets(ops[i].call)) {
        reset_rank_[i] = static_cast<std::int32_t>(resets_.size());
        resets_.push_back(op);
      } else if (model.read_only(ops[i].call) && ops[i].call.output_known) {
        reads_.push_back(op);
      }
    }
    std::stable_sort(reads_.begin(), reads_.end(), [&](std::int32_t a, std::int32_t b) {
      return ops[a].return_position < ops[b].return_position;
    });
    for (std::size_t i = 0; i < reads_.size(); ++i) read_rank_[reads_[i]] = static_cast<std::int32_t>(i);
  }

  // False when linearizing `op` into `next_state` provably leads nowhere.
  bool viable(std::int32_t op, std::int64_t next_state, const std::vector<std::uint64_t>& linearized) {
    if (!enabled_ || read_rank_[op] >= 0 || reads_.empty()) return true;  // a read leaves the state as it was
    advance(reads_, read_cursor_, linearized);
    if (read_cursor_ == reads_.size()) return true;
    const std::int32_t read = reads_[read_cursor_];
    advance(resets_, reset_cursor_, linearized);
    // Could a remaining reset (not `op`, being linearized now) be the last
    // one before the read? Only those invoked before the read returned can.
    for (std::size_t i = reset_cursor_; i < resets_.size(); ++i) {
      const std::int32_t reset = resets_[i];
      if (ops_[reset].invoke_position > ops_[read].return_position) break;
      if (reset == op || is_set(linearized, reset)) continue;
      if (model_.may_follow(ops_[reset].call, ops_[read].call)) return true;
    }
    return model_.may_reach(next_state, ops_[read].call);
  }
  void undone(std::int32_t op) {
    if (!enabled_) return;
    lower(read_rank_[op], read_cursor_);
    lower(reset_rank_[op], reset_cursor_);
  }

 private:
  static bool is_set(const std::vector<std::uint64_t>& bits, std::int32_t op) { return (bits[op / 64] >> (op % 64)) & 1; }
  // Moves `cursor` past the linearized entries of `list`.
  static void advance(const std::vector<std::int32_t>& list, std::size_t& cursor,
                      const std::vector<std::uint64_t>& linearized) {
    while (cursor < list.size() && is_set(linearized, list[cursor])) ++cursor;
  }
  static void lower(std::int32_t rank, std::size_t& cursor) {
    if (rank >= 0 && static_cast<std::size_t>(rank) < cursor) cursor = static_cast<std::size_t>(rank);
  }

  const Model& model_;
  const std::vector<PartitionOp>& ops_;
  bool enabled_;
  std::vector<std::int32_t> reads_;   // known-output reads by return
  std::vector<std::int32_t> resets_;  // state-replacing calls by invocation
  std::vector<std::int32_t> read_rank_;
  std::vector<std::int32_t> reset_rank_;
  std::size_t read_cursor_ = 0;  // every read before it is linearized
  std::size_t reset_cursor_ = 0;
};

struct Frame {
  std::int32_t call_node;
  std::int64_t state_before;
};

void record_best(const std::vector<Frame>& stack, std::int32_t blocked_node, std::int64_t state,
                 SearchResult& result) {
  if (static_cast<std::ptrdiff_t>(stack.size()) <= static_cast<std::ptrdiff_t>(result.longest_prefix.size()) &&
      result.blocked_op != kNone) {
    return;
  }
  result.longest_prefix.clear();
  for (const Frame& frame : stack) result.longest_prefix.push_back(frame.call_node / 2);
  result.blocked_op = blocked_node / 2;
  result.state_after_prefix = state;
}

}  // namespace

SearchResult search_linearization(Partition& partition, const Budget& budget) {
  SearchResult result;
  Model& model = *partition.model;
  const std::vector<PartitionOp>& ops = partition.ops;
  EventList events(ops);
  const std::size_t words = (ops.size() + 63) / 64;
  ConfigurationCache cache;
  ReachPruner pruner(model, ops);
  std::vector<std::uint64_t> linearized(words, 0);
  std::uint64_t set_hash = 0;
  std::vector<Frame> stack;
  stack.reserve(ops.size());
  std::int64_t state = model.initial_state();
  std::int32_t node = events.first();
  while (!events.empty()) {
    if ((++result.steps & 1023) == 0) {
      if (budget.out_of_steps(result.steps)) {
        result.verdict = Verdict::unknown;
        result.reason =
            "work budget of " + std::to_string(budget.steps_max) + " search steps spent";
        return result;
      }
      if (budget.expired()) {
        result.verdict = Verdict::unknown;
        result.safety_net = true;
        result.reason = "wall-clock safety limit reached after " + std::to_string(result.steps) +
                        " search steps";
        return result;
      }
      if (cache.memory_bytes() > budget.memory_bytes_max) {
        result.verdict = Verdict::unknown;
        result.reason = "memory limit reached: the search cache holds " +
                        std::to_string(cache.memory_bytes() >> 20) + " MiB";
        return result;
      }
    }
    if (node % 2 == 0) {  // a call: try to linearize it here
      const std::int32_t op = node / 2;
      std::int64_t next_state = 0;
      if (model.step(state, ops[op].call, next_state) && pruner.viable(op, next_state, linearized)) {
        linearized[op / 64] |= std::uint64_t{1} << (op % 64);
        const std::uint64_t next_hash = set_hash ^ splitmix(static_cast<std::uint64_t>(op));
        if (cache.insert(next_hash, linearized, next_state)) {
          stack.push_back(Frame{node, state});
          state = next_state;
          set_hash = next_hash;
          events.lift(node);
          node = events.first();
          continue;
        }
        linearized[op / 64] &= ~(std::uint64_t{1} << (op % 64));
      }
      node = events.next(node);
      continue;
    }
    // A return whose call is still unplaced: undo the most recent choice.
    record_best(stack, node, state, result);
    if (stack.empty()) {
      result.verdict = Verdict::invalid;
      return result;
    }
    const Frame frame = stack.back();
    stack.pop_back();
    const std::int32_t op = frame.call_node / 2;
    linearized[op / 64] &= ~(std::uint64_t{1} << (op % 64));
    set_hash ^= splitmix(static_cast<std::uint64_t>(op));
    pruner.undone(op);
    state = frame.state_before;
    events.unlift(frame.call_node);
    node = events.next(frame.call_node);
  }
  result.verdict = Verdict::valid;
  return result;
}

}  // namespace simlab::linearizability

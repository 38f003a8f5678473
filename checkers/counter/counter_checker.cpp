#include "checkers/counter/counter_checker.h"

#include <fmt/format.h>

#include <unordered_map>

#include "checkers/counter/reachable_sums.h"
#include "checkers/history/value_format.h"

namespace simlab::counter {
namespace {

using history::History;
using history::Op;
using history::OpType;
using history::Value;

// Sums of deltas, split by sign, so bounds can be taken from either side.
struct SignedSums {
  std::int64_t positive = 0, negative = 0;
  void add(std::int64_t delta) { (delta > 0 ? positive : negative) += delta; }
};

struct PendingRead {
  std::int64_t invoke = 0;
  SignedSums own;  // the process's acknowledged adds when the read began
};

struct KeyState {
  std::optional<Value> key;
  SignedSums invoked;                                   // adds invoked so far that did not fail
  std::unordered_map<std::int64_t, SignedSums> own;     // acknowledged adds so far, by process
  std::unordered_map<std::int64_t, PendingRead> reads;  // by process
  std::int64_t acknowledged_sum = 0;
  std::vector<std::int64_t> unknown_deltas;  // adds with no ok or fail completion
  std::vector<std::int64_t> final_reads;     // ok completions
};

std::string key_suffix(const std::optional<Value>& key) {
  return key ? " of key " + history::format_value(*key) : std::string();
}

class Checker {
 public:
  Checker(const History& history, CounterKind kind)
      : history_(history),
        kind_(kind),
        completion_(history::completion_positions(history)),
        invocation_of_(history::invocation_positions(completion_)) {}

  CounterResult check() {
    for (std::size_t i = 0; i < history_.size(); ++i) step(static_cast<std::int64_t>(i));
    for (KeyState& state : keys_) judge_final_reads(state);
    result_.keys = keys_.size();
    if (!result_.counts.empty()) result_.verdict = Verdict::invalid;
    return std::move(result_);
  }

 private:
  const Op& at(std::int64_t position) const { return history_[static_cast<std::size_t>(position)]; }

  KeyState& key_state(const Op& op) {
    const auto [found, inserted] = key_ids_.try_emplace(op.key ? *op.key : Value(), keys_.size());
    if (inserted) {
      keys_.emplace_back();
      keys_.back().key = op.key;
    }
    return keys_[found->second];
  }

  void step(std::int64_t position) {
    const Op& op = at(position);
    if (op.type != OpType::invoke) return complete(position);
    if (op.f != "add" && op.f != "read") {
      throw history::OpError(position, op.line,
                             fmt::format("expected f add or read for --model {}, found f \"{}\"",
                                         counter_model_name(kind_), op.f));
    }
    KeyState& state = key_state(op);
    if (op.f == "add") return invoke_add(state, position);
    state.reads[op.process] = PendingRead{position, state.own[op.process]};
  }

  // A completion belongs to its invocation's key, whether or not it repeats it.
  void complete(std::int64_t position) {
    const std::int64_t invocation = invocation_of_[static_cast<std::size_t>(position)];
    if (invocation < 0 || at(position).type != OpType::ok) return;
    const Op& invoked = at(invocation);
    KeyState& state = key_state(invoked);
    if (invoked.f == "add") return state.own[invoked.process].add(delta_of(invocation));
    complete_read(state, position);
  }

  std::int64_t delta_of(std::int64_t position) const {
    const Op& op = at(position);
    if (!op.value.is_integer()) {
      throw history::OpError(position, op.line,
                             "expected an add's value to be an integer delta, found " +
                                 history::format_value(op.value));
    }
    if (kind_ == CounterKind::g_counter && op.value.as_integer() < 0) {
      throw history::OpError(
          position, op.line,
          fmt::format("expected a g-counter's delta to be 0 or more, found {} (a counter that "
                      "decrements is --model pn-counter)",
                      op.value.as_integer()));
    }
    return op.value.as_integer();
  }

  void invoke_add(KeyState& state, std::int64_t position) {
    const std::int64_t delta = delta_of(position);
    ++result_.adds;
    const std::int64_t done = completion_[static_cast<std::size_t>(position)];
    const OpType outcome = done < 0 ? OpType::info : at(done).type;
    if (outcome == OpType::fail) return;
    state.invoked.add(delta);
    if (outcome == OpType::ok) {
      ++result_.acknowledged_adds;
      state.acknowledged_sum += delta;
    } else {
      ++result_.unknown_adds;
      state.unknown_deltas.push_back(delta);
    }
  }

  void complete_read(KeyState& state, std::int64_t position) {
    const Op& op = at(position);
    const auto pending = state.reads.find(op.process);
    if (!op.value.is_integer()) {
      throw history::OpError(
          position, op.line,
          "expected an ok read's value to be an integer, found " + history::format_value(op.value));
    }
    ++result_.reads;
    if (op.final_read || at(pending->second.invoke).final_read) {
      ++result_.final_reads;
      state.final_reads.push_back(position);
    }
    judge_read(state, position, pending->second.own);
    state.reads.erase(pending);
  }

  // The hull of what the adds invoked so far can sum to, and within it what
  // the process's own acknowledged adds leave open.
  void judge_read(const KeyState& state, std::int64_t position, const SignedSums& own) {
    const std::int64_t value = at(position).value.as_integer();
    const std::int64_t low = state.invoked.negative, high = state.invoked.positive;
    if (value < low || value > high) {
      return report(
          "impossible-read", state, position, {{low, high}},
          fmt::format(
              "read {} at op {}, but the adds invoked before it completed sum to between {} and {}",
              value, position, low, high));
    }
    const std::int64_t own_low = low + own.positive, own_high = high + own.negative;
    if (value < own_low || value > own_high) {
      report("missing-own-add", state, position, {{own_low, own_high}},
             fmt::format("read {} at op {}, but with its process's own acknowledged adds ({:+} and "
                         "{:+}) it must be "
                         "between {} and {}",
                         value, position, own.positive, own.negative, own_low, own_high));
    }
  }

  void judge_final_reads(const KeyState& state) {
    if (state.final_reads.empty()) return;
    ReachableSums acceptable(state.acknowledged_sum);
    for (const std::int64_t delta : state.unknown_deltas) acceptable.add_optional(delta);
    result_.widened = result_.widened || acceptable.widened();
    for (const std::int64_t position : state.final_reads) {
      const std::int64_t value = at(position).value.as_integer();
      if (acceptable.contains(value)) continue;
      report("wrong-final-read", state, position, acceptable.intervals(),
             fmt::format("final read {} at op {}, but the acknowledged adds sum to {}, with {} "
                         "add(s) of unknown "
                         "outcome that may add to it",
                         value, position, state.acknowledged_sum, state.unknown_deltas.size()));
    }
  }

  void report(const std::string& name, const KeyState& state, std::int64_t position,
              std::vector<std::pair<std::int64_t, std::int64_t>> acceptable, std::string detail) {
    if (result_.counts[name]++ >= kExamplesMax) return;
    const Op& op = at(position);
    result_.anomalies.push_back(CounterAnomaly{name, state.key, position, op.process,
                                               op.value.as_integer(), std::move(acceptable),
                                               std::move(detail) + key_suffix(state.key)});
  }

  const History& history_;
  CounterKind kind_;
  std::vector<std::int64_t> completion_;     // by invocation position
  std::vector<std::int64_t> invocation_of_;  // by completion position, -1 elsewhere
  std::unordered_map<Value, std::size_t, history::ValueHash> key_ids_;
  std::vector<KeyState> keys_;
  CounterResult result_;
};

}  // namespace

std::string_view counter_model_name(CounterKind kind) {
  return kind == CounterKind::g_counter ? "g-counter" : "pn-counter";
}

std::optional<CounterKind> parse_counter_model(std::string_view name) {
  if (name == "g-counter") return CounterKind::g_counter;
  if (name == "pn-counter") return CounterKind::pn_counter;
  return std::nullopt;
}

CounterResult check_counter(const History& history, CounterKind kind) {
  return Checker(history, kind).check();
}

}  // namespace simlab::counter

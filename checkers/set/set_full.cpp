#include "checkers/set/set_full.h"

#include <algorithm>
#include <unordered_map>

#include "checkers/history/value_format.h"

namespace simlab::set_full {
namespace {

using history::History;
using history::Op;
using history::OpType;
using history::Value;

struct Read {
  std::int64_t invoke = 0;  // history positions
  std::int64_t done = 0;
  std::int64_t begin_ns = 0;
  bool final_read = false;
};

// An add or remove of an element that did not fail.
struct Write {
  std::int64_t invoke = -1, done = -1;  // history positions; done -1: no completion
  bool ok = false;
  bool remove = false;
  std::int64_t process = 0;
};

struct Element {
  Value value;
  std::vector<Write> writes;           // in invocation order
  std::int64_t add = -1;               // the first add's invocation
  bool add_possible = false;           // some add of it did not fail
  std::int64_t add_ok = -1;            // the earliest ok completion of an add
  std::int64_t first_seen = -1;        // the earliest ok completion of a read that saw it
  std::vector<std::uint32_t> present;  // ordinals of the reads that saw it, ascending
};

struct KeyState {
  std::optional<Value> key;
  std::unordered_map<Value, std::size_t, history::ValueHash> ids;
  std::vector<Element> elements;  // in the order the history first names them
  std::vector<Read> reads;        // ok reads, in invocation order
  std::vector<std::uint32_t> final_reads;  // ordinals of the final ones
  std::vector<ReadFinding> duplicated;

  Element& element(const Value& value) {
    const auto [found, inserted] = ids.try_emplace(value, elements.size());
    if (inserted) {
      elements.emplace_back();
      elements.back().value = value;
    }
    return elements[found->second];
  }
};

std::int64_t earliest(std::int64_t a, std::int64_t b) {
  return a < 0 ? b : (b < 0 ? a : std::min(a, b));
}

class Compiler {
 public:
  explicit Compiler(const History& history)
      : history_(history), completion_(history::completion_positions(history)) {}

  std::vector<KeyState> compile() {
    for (std::size_t i = 0; i < history_.size(); ++i) {
      if (history_[i].type == OpType::invoke) compile_op(static_cast<std::int64_t>(i));
    }
    return std::move(keys_);
  }

 private:
  KeyState& key_state(const Op& op) {
    const Value key = op.key ? *op.key : Value();
    const auto [found, inserted] = key_ids_.try_emplace(key, keys_.size());
    if (inserted) {
      keys_.emplace_back();
      keys_.back().key = op.key;
    }
    return keys_[found->second];
  }

  void compile_op(std::int64_t position) {
    const Op& op = history_[static_cast<std::size_t>(position)];
    const std::int64_t done = completion_[static_cast<std::size_t>(position)];
    const Op* completion = done < 0 ? nullptr : &history_[static_cast<std::size_t>(done)];
    if (op.f == "add") {
      compile_add(key_state(op), position, done, completion);
    } else if (op.f == "remove") {
      compile_remove(key_state(op), position, done, completion);
    } else if (op.f == "read") {
      if (completion && completion->type == OpType::ok) compile_read(key_state(op), position, done);
    } else {
      throw history::OpError(
          position, op.line,
          "expected f add, remove or read for --model set-full, found f \"" + op.f + "\"");
    }
  }

  void compile_add(KeyState& state, std::int64_t position, std::int64_t done,
                   const Op* completion) {
    Element& element = state.element(history_[static_cast<std::size_t>(position)].value);
    if (element.add < 0) element.add = position;
    if (completion && completion->type == OpType::fail) return;
    element.add_possible = true;
    if (completion && completion->type == OpType::ok)
      element.add_ok = earliest(element.add_ok, done);
    element.writes.push_back(write_of(position, done, completion, false));
  }

  void compile_remove(KeyState& state, std::int64_t position, std::int64_t done,
                      const Op* completion) {
    Element& element = state.element(history_[static_cast<std::size_t>(position)].value);
    if (completion && completion->type == OpType::fail) return;
    element.writes.push_back(write_of(position, done, completion, true));
  }

  Write write_of(std::int64_t position, std::int64_t done, const Op* completion,
                 bool remove) const {
    return Write{position, done, completion && completion->type == OpType::ok, remove,
                 history_[static_cast<std::size_t>(position)].process};
  }

  void compile_read(KeyState& state, std::int64_t position, std::int64_t done) {
    const Op& result = history_[static_cast<std::size_t>(done)];
    if (!result.value.is_list()) {
      throw history::OpError(done, result.line,
                             "expected an ok read's value to be a list or set of elements, found " +
                                 history::format_value(result.value));
    }
    const auto ordinal = static_cast<std::uint32_t>(state.reads.size());
    const Op& invocation = history_[static_cast<std::size_t>(position)];
    state.reads.push_back(
        Read{position, done, invocation.time, invocation.final_read || result.final_read});
    if (state.reads.back().final_read) state.final_reads.push_back(ordinal);
    for (const Value& item : result.value.as_list()) {
      Element& element = state.element(item);
      if (!element.present.empty() && element.present.back() == ordinal) {
        state.duplicated.push_back(ReadFinding{state.key, item, done});
        continue;
      }
      element.present.push_back(ordinal);
      element.first_seen = earliest(element.first_seen, done);
    }
  }

  const History& history_;
  std::vector<std::int64_t> completion_;
  std::unordered_map<Value, std::size_t, history::ValueHash> key_ids_;
  std::vector<KeyState> keys_;
};

// The latest-begun read that missed the element: the reads after the last
// one that missed it are a run of ordinals at the end of `present`.
std::optional<std::uint32_t> latest_read_missing(const Element& element, std::size_t reads) {
  std::int64_t read = static_cast<std::int64_t>(reads) - 1;
  auto seen = element.present.rbegin();
  while (read >= 0 && seen != element.present.rend() && *seen == read) {
    --read;
    ++seen;
  }
  if (read < 0) return std::nullopt;
  return static_cast<std::uint32_t>(read);
}

// Under the final-reads rule: the first final read begun after the element
// was known that misses it.
std::optional<std::uint32_t> final_read_missing(const KeyState& state, const Element& element,
                                                std::int64_t known) {
  for (const std::uint32_t read : state.final_reads) {
    if (state.reads[read].invoke <= known) continue;
    if (!std::binary_search(element.present.begin(), element.present.end(), read)) return read;
  }
  return std::nullopt;
}

class Judge {
 public:
  Judge(const History& history, SetFullResult& result, LossRule rule)
      : history_(history), result_(result), rule_(rule) {}

  void judge(const KeyState& state) {
    for (const Element& element : state.elements) judge(state, element);
    result_.duplicated += state.duplicated.size();
    for (const ReadFinding& finding : state.duplicated) keep(result_.duplicated_examples, finding);
  }

  std::vector<std::int64_t> stable_latencies_ns, lost_latencies_ns;

 private:
  std::int64_t time_of(std::int64_t position) const {
    return history_[static_cast<std::size_t>(position)].time;
  }

  bool by_finals(const KeyState& state) const {
    return rule_ == LossRule::final_reads ||
           (rule_ == LossRule::automatic && !state.final_reads.empty());
  }

  void judge(const KeyState& state, const Element& element) {
    const bool removes = std::any_of(element.writes.begin(), element.writes.end(),
                                     [](const Write& write) { return write.remove; });
    if (removes && element.add_possible) return judge_with_removes(state, element);
    if (!element.add_possible) {
      if (element.present.empty())
        return;  // only failed adds, and nobody saw it: it did not happen
      ++result_.unexpected;
      keep(result_.unexpected_examples, ReadFinding{state.key, element.value, element.first_seen});
      return;
    }
    ++result_.attempted;
    if (element.add_ok >= 0) ++result_.acknowledged;
    ElementFinding finding;
    finding.key = state.key;
    finding.element = element.value;
    finding.add = element.add;
    finding.acknowledged = element.add_ok;
    finding.known = earliest(element.add_ok, element.first_seen);
    judge_known(state, element, finding);
  }

  // An element with removes: every write ok and by one process, or unjudged;
  // then its last write decides.
  void judge_with_removes(const KeyState& state, const Element& element) {
    const Write& last = element.writes.back();
    const bool decided =
        std::all_of(element.writes.begin(), element.writes.end(),
                    [&](const Write& write) { return write.ok && write.process == last.process; });
    if (!decided) {
      ++result_.unjudged;
      return;
    }
    ++result_.attempted;
    ++result_.acknowledged;
    ElementFinding finding;
    finding.key = state.key;
    finding.element = element.value;
    if (!last.remove) {
      finding.add = last.invoke;
      finding.acknowledged = finding.known = last.done;
      return judge_known(state, element, finding);
    }
    const auto first_add = std::find_if(element.writes.begin(), element.writes.end(),
                                        [](const Write& write) { return !write.remove; });
    finding.add = first_add->invoke;
    finding.acknowledged = first_add->done;
    finding.known = earliest(element.add_ok, element.first_seen);
    finding.remove = last.invoke;
    finding.removed = last.done;
    for (const Write& write : element.writes) finding.writes.push_back(write.invoke);
    if (const auto holding = read_holding_after(state, element, last.done)) {
      finding.last_present = state.reads[*holding].done;
      return resurrected(finding);
    }
    ++result_.removed;
  }

  // The read that judges a removed element and holds it: a final read begun
  // after `removed` (by the final-reads rule), else the latest-begun read if
  // it began after `removed`.
  std::optional<std::uint32_t> read_holding_after(const KeyState& state, const Element& element,
                                                  std::int64_t removed) const {
    const auto holds = [&](std::uint32_t read) {
      return std::binary_search(element.present.begin(), element.present.end(), read);
    };
    if (by_finals(state)) {
      for (const std::uint32_t read : state.final_reads)
        if (state.reads[read].invoke > removed && holds(read)) return read;
      return std::nullopt;
    }
    if (state.reads.empty()) return std::nullopt;
    const auto latest = static_cast<std::uint32_t>(state.reads.size() - 1);
    if (state.reads[latest].invoke > removed && holds(latest)) return latest;
    return std::nullopt;
  }

  void judge_known(const KeyState& state, const Element& element, ElementFinding& finding) {
    if (finding.known < 0) return never_read(finding);
    const auto after_known = [&](std::uint32_t read) {
      return state.reads[read].invoke > finding.known;
    };
    std::optional<std::uint32_t> present, absent;
    if (!element.present.empty() && after_known(element.present.back()))
      present = element.present.back();
    if (const auto missing = latest_read_missing(element, state.reads.size());
        missing && after_known(*missing))
      absent = missing;
    if (present) finding.last_present = state.reads[*present].done;
    const Read* last_present = present ? &state.reads[*present] : nullptr;
    if (by_finals(state)) {
      if (const auto missing = final_read_missing(state, element, finding.known)) {
        finding.last_absent = state.reads[*missing].done;
        return lost(finding, state.reads[*missing], last_present);
      }
      if (absent) finding.last_absent = state.reads[*absent].done;
      if (present) return stable(finding, absent ? &state.reads[*absent] : nullptr);
      return never_read(finding);
    }
    if (absent) finding.last_absent = state.reads[*absent].done;
    if (present && (!absent || *absent < *present))
      return stable(finding, absent ? &state.reads[*absent] : nullptr);
    if (absent) return lost(finding, state.reads[*absent], last_present);
    never_read(finding);
  }

  void stable(ElementFinding& finding, const Read* absent) {
    ++result_.stable;
    finding.latency_ns =
        absent ? std::max<std::int64_t>(0, absent->begin_ns - time_of(finding.known)) : 0;
    stable_latencies_ns.push_back(finding.latency_ns);
    if (!absent) return;
    ++result_.stale;
    keep(result_.stale_examples, finding);
  }

  void lost(ElementFinding& finding, const Read& absent, const Read* present) {
    ++result_.lost;
    const std::int64_t last_seen_ns =
        std::max(time_of(finding.known), present ? present->begin_ns : 0);
    finding.latency_ns = std::max<std::int64_t>(0, absent.begin_ns - last_seen_ns);
    lost_latencies_ns.push_back(finding.latency_ns);
    keep(result_.lost_examples, finding);
  }

  void resurrected(const ElementFinding& finding) {
    ++result_.resurrected;
    keep(result_.resurrected_examples, finding);
  }

  void never_read(const ElementFinding& finding) {
    ++result_.never_read;
    keep(result_.never_read_examples, finding);
  }

  template <class Finding>
  static void keep(std::vector<Finding>& examples, const Finding& finding) {
    if (examples.size() < kExamplesMax) examples.push_back(finding);
  }

  const History& history_;
  SetFullResult& result_;
  LossRule rule_;
};

std::optional<LatencyQuantiles> quantiles(std::vector<std::int64_t> latencies_ns) {
  if (latencies_ns.empty()) return std::nullopt;
  std::sort(latencies_ns.begin(), latencies_ns.end());
  const auto at = [&](double quantile) {
    return latencies_ns[static_cast<std::size_t>(quantile *
                                                 static_cast<double>(latencies_ns.size() - 1))];
  };
  return LatencyQuantiles{latencies_ns.front(), at(0.5), at(0.95), at(0.99), latencies_ns.back()};
}

Verdict verdict_of(const SetFullResult& result, const SetFullOptions& options) {
  if (result.lost > 0 || result.resurrected > 0 || result.duplicated > 0 || result.unexpected > 0)
    return Verdict::invalid;
  if (options.linearizable && result.stale > 0) return Verdict::invalid;
  return result.stable > 0 || result.removed > 0 ? Verdict::valid : Verdict::unknown;
}

}  // namespace

SetFullResult check_set_full(const History& history, const SetFullOptions& options) {
  const std::vector<KeyState> keys = Compiler(history).compile();
  SetFullResult result;
  result.keys = keys.size();
  Judge judge(history, result, options.loss_rule);
  for (const KeyState& state : keys) {
    result.reads += state.reads.size();
    judge.judge(state);
  }
  result.stable_latency = quantiles(std::move(judge.stable_latencies_ns));
  result.lost_latency = quantiles(std::move(judge.lost_latencies_ns));
  result.verdict = verdict_of(result, options);
  return result;
}

}  // namespace simlab::set_full

#include "checkers/linearizability/unique_register.h"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace simlab::linearizability {
namespace {

constexpr std::int32_t kInitialWriter = -1;  // the virtual write of the initial value
constexpr std::int64_t kInitialTime = -1;    // before every real position

using Kind = RegisterAccess::Kind;

// A value's cluster: its writer and the ops that saw it (reads, and the one
// cas that replaced it, which is the next cluster's writer).
struct Cluster {
  std::int32_t writer = kInitialWriter;
  std::vector<std::int32_t> readers;
  std::int32_t cas_out = -1;
};

struct Block {
  std::vector<std::int64_t> values;  // chain order
  std::int64_t f = 0;                // min return over its ops
  std::int64_t s = 0;                // max call over its ops
};

class FastPath {
 public:
  explicit FastPath(const Partition& partition) : partition_(partition), ops_(partition.ops) {}

  std::optional<FastPathResult> run() {
    if (!collect()) return std::nullopt;
    if (auto invalid = build_clusters()) return invalid;
    if (auto invalid = build_blocks()) return invalid;
    if (auto invalid = find_overlap()) return invalid;
    return lay_out_all() ? std::optional(FastPathResult{Verdict::valid, {}}) : std::nullopt;
  }

 private:
  std::int64_t call_time(std::int32_t op) const { return op == kInitialWriter ? kInitialTime : ops_[op].invoke_position; }
  std::int64_t return_time(std::int32_t op) const {
    return op == kInitialWriter ? kInitialTime : ops_[op].return_position;
  }
  std::string value_text(std::int64_t value) const { return partition_.model->describe_state(value); }
  std::string op_text(std::int32_t op) const {
    return op == kInitialWriter ? "the initial value" : "op #" + std::to_string(ops_[op].invoke_position);
  }
  static FastPathResult invalid(std::string reason) { return FastPathResult{Verdict::invalid, std::move(reason)}; }

  // Applies only to register calls with unique written values.
  bool collect() {
    initial_ = partition_.model->initial_state();
    accesses_.reserve(ops_.size());
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(ops_.size()); ++i) {
      const auto access = partition_.model->register_access(ops_[i].call);
      if (!access) return false;
      accesses_.push_back(*access);
      if (access->kind == Kind::read) continue;
      if (access->written_value == initial_ || !writer_.emplace(access->written_value, i).second) return false;
    }
    return true;
  }

  // Keeps the ops that must have happened: the known ones, and unknown writes
  // whose value someone saw (transitively through unknown cas ops).
  void keep_observed() {
    kept_.assign(ops_.size(), false);
    std::vector<std::int64_t> seen;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (!ops_[i].call.output_known) continue;
      kept_[i] = true;
      if (accesses_[i].kind != Kind::write) seen.push_back(accesses_[i].read_value);
    }
    std::unordered_set<std::int64_t> observed;
    while (!seen.empty()) {
      const std::int64_t value = seen.back();
      seen.pop_back();
      if (!observed.insert(value).second) continue;
      const auto writer = writer_.find(value);
      if (writer == writer_.end() || kept_[writer->second]) continue;
      kept_[writer->second] = true;
      if (accesses_[writer->second].kind == Kind::cas) seen.push_back(accesses_[writer->second].read_value);
    }
  }

  std::optional<FastPathResult> build_clusters() {
    keep_observed();
    clusters_[initial_] = Cluster{};
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(ops_.size()); ++i) {
      if (kept_[i] && accesses_[i].kind != Kind::read) clusters_[accesses_[i].written_value].writer = i;
    }
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(ops_.size()); ++i) {
      if (!kept_[i] || accesses_[i].kind == Kind::write) continue;
      const std::int64_t value = accesses_[i].read_value;
      const auto cluster = clusters_.find(value);
      if (cluster == clusters_.end()) {
        return invalid(op_text(i) + " saw " + value_text(value) + ", which no op wrote");
      }
      if (accesses_[i].kind == Kind::read) {
        cluster->second.readers.push_back(i);
      } else if (cluster->second.cas_out >= 0) {
        return invalid(op_text(cluster->second.cas_out) + " and " + op_text(i) + " both replaced " +
                       value_text(value) + " by cas, but it was written only once");
      } else {
        cluster->second.cas_out = i;
      }
    }
    return std::nullopt;
  }

  // Lays a block out alone from `start`, each op at its earliest legal point;
  // returns the last point, or nullopt with the op that cannot be placed.
  std::optional<std::int64_t> lay_out(const Block& block, std::int64_t start, std::int32_t& stuck) const {
    std::int64_t end = start;
    for (const std::int64_t value : block.values) {
      const Cluster& cluster = clusters_.at(value);
      const std::int64_t written = std::max(end, call_time(cluster.writer));
      if (written > return_time(cluster.writer)) return stuck = cluster.writer, std::nullopt;
      end = written;
      for (const std::int32_t reader : cluster.readers) {
        const std::int64_t point = std::max(written, call_time(reader));
        if (point > return_time(reader)) return stuck = reader, std::nullopt;
        end = std::max(end, point);
      }
    }
    return end;
  }

  std::optional<FastPathResult> build_blocks() {
    std::vector<std::int64_t> heads = {initial_};  // in op order, so reasons are deterministic
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (kept_[i] && accesses_[i].kind == Kind::write) heads.push_back(accesses_[i].written_value);
    }
    std::size_t chained = 0;
    for (const std::int64_t value : heads) {
      Block block;
      block.f = std::numeric_limits<std::int64_t>::max();
      block.s = std::numeric_limits<std::int64_t>::min();
      for (std::int64_t at = value;;) {
        const Cluster& link = clusters_.at(at);
        block.values.push_back(at);
        ++chained;
        for (const std::int32_t op : link.readers) widen(block, op);
        widen(block, link.writer);
        if (link.cas_out < 0) break;
        at = accesses_[link.cas_out].written_value;
      }
      std::int32_t stuck = 0;
      if (!lay_out(block, kInitialTime, stuck)) {
        return invalid(op_text(stuck) + " cannot be placed: it returned before the ops it depends on (" +
                       op_text(clusters_.at(block.values.front()).writer) + " onwards) could take effect");
      }
      if (value == initial_) initial_block_ = blocks_.size();
      blocks_.push_back(std::move(block));
    }
    // Every cluster hangs off a plain write or the initial value; with unique values a cas chain has no cycle.
    return chained == clusters_.size() ? std::nullopt : std::optional(invalid("a cas chain loops back on itself"));
  }

  void widen(Block& block, std::int32_t op) const {
    block.f = std::min(block.f, return_time(op));
    block.s = std::max(block.s, call_time(op));
  }

  // Two blocks with f(B) < s(C) and f(C) < s(B) cannot both fit (see header).
  // Sorted by f, the blocks with f < s(C) form a prefix; keep the two largest
  // s in each prefix so C itself can be excluded.
  std::optional<FastPathResult> find_overlap() const {
    std::vector<std::size_t> by_f(blocks_.size());
    for (std::size_t i = 0; i < by_f.size(); ++i) by_f[i] = i;
    std::sort(by_f.begin(), by_f.end(), [&](std::size_t a, std::size_t b) { return blocks_[a].f < blocks_[b].f; });
    const std::size_t none = blocks_.size();
    std::vector<std::pair<std::size_t, std::size_t>> top_two(by_f.size());  // block indices, best first
    std::size_t best = none;
    std::size_t second = none;
    for (std::size_t i = 0; i < by_f.size(); ++i) {
      const std::size_t candidate = by_f[i];
      if (best == none || blocks_[candidate].s > blocks_[best].s) {
        second = best;
        best = candidate;
      } else if (second == none || blocks_[candidate].s > blocks_[second].s) {
        second = candidate;
      }
      top_two[i] = {best, second};
    }
    for (std::size_t c = 0; c < blocks_.size(); ++c) {
      const auto prefix = std::partition_point(by_f.begin(), by_f.end(),
                                               [&](std::size_t b) { return blocks_[b].f < blocks_[c].s; });
      if (prefix == by_f.begin()) continue;
      const auto [first, runner_up] = top_two[static_cast<std::size_t>(prefix - by_f.begin()) - 1];
      const std::size_t other = first != c ? first : runner_up;
      if (other == none || blocks_[other].s <= blocks_[c].f) continue;
      return invalid(overlap_text(other, c));
    }
    return std::nullopt;
  }

  std::string overlap_text(std::size_t b, std::size_t c) const {
    const auto& [first, second] = std::pair(blocks_[b], blocks_[c]);
    return "the value " + value_text(first.values.front()) + " must hold from position " + std::to_string(first.f) +
           " to " + std::to_string(first.s) + " and the value " + value_text(second.values.front()) +
           " from position " + std::to_string(second.f) + " to " + std::to_string(second.s) +
           "; one of them cannot be in place when it was seen";
  }

  // Orders blocks by min(f, s), the initial one first; with no overlap this
  // layout always succeeds, and success is a witness linearization.
  bool lay_out_all() const {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      if (i != initial_block_) order.push_back(i);
    }
    auto key = [&](std::size_t i) { return std::min(blocks_[i].f, blocks_[i].s); };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    order.insert(order.begin(), initial_block_);
    std::int64_t end = kInitialTime;
    for (const std::size_t i : order) {
      std::int32_t stuck = 0;
      const auto last = lay_out(blocks_[i], end, stuck);
      if (!last) return false;
      end = *last;
    }
    return true;
  }

  const Partition& partition_;
  const std::vector<PartitionOp>& ops_;
  std::int64_t initial_ = 0;
  std::vector<RegisterAccess> accesses_;
  std::unordered_map<std::int64_t, std::int32_t> writer_;  // value -> the op writing it
  std::vector<bool> kept_;
  std::unordered_map<std::int64_t, Cluster> clusters_;  // by value
  std::vector<Block> blocks_;
  std::size_t initial_block_ = 0;
};

}  // namespace

std::optional<FastPathResult> check_unique_register(const Partition& partition) {
  return FastPath(partition).run();
}

}  // namespace simlab::linearizability

#include "checkers/queue/queue_checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "checkers/queue/queue_cycles.h"

namespace simlab::queue {
namespace {

// What the history says about one key's log.
struct KeyLog {
  std::map<std::int64_t, std::set<std::string>> values_at;   // offset -> values
  std::map<std::string, std::set<std::int64_t>> offsets_of;  // value -> offsets
  std::map<std::int64_t, std::vector<std::int64_t>> ops_at;  // offset -> ops
  std::set<std::string> polled;                              // values some poll read
  std::int64_t polled_max = -1;
};

class Judge {
 public:
  explicit Judge(const QueueHistory& history) : history_(history) {}

  QueueCheckResult run() {
    mark_subscribed();
    build_logs();
    find_offset_conflicts();
    find_lost_and_aborted();
    find_process_order();
    find_group_skips();
    find_cycles();
    result_.keys = logs_.size();
    result_.valid = result_.counts.empty();
    return std::move(result_);
  }

 private:
  void report(Anomaly anomaly) {
    if (result_.counts[anomaly.name]++ < kExamplesMax)
      result_.anomalies.push_back(std::move(anomaly));
  }

  void note(KeyLog& log, std::int64_t offset, const std::string& value, std::int64_t op) {
    log.values_at[offset].insert(value);
    log.offsets_of[value].insert(offset);
    log.ops_at[offset].push_back(op);
  }

  // For each op, whether its process was a consumer group's member then: it
  // subscribed, and has not assigned partitions to itself since.
  void mark_subscribed() {
    std::set<std::int64_t> members;
    for (const QueueOp& op : history_.ops) {
      if (op.f == "assign") members.erase(op.process);
      if (op.f == "subscribe") members.insert(op.process);
      subscribed_.push_back(members.contains(op.process));
    }
  }

  // An ok op's sends were acknowledged; so were those an indeterminate op's
  // completion gives offsets for (a pipelined send whose other values'
  // fates are unknown).
  static bool acknowledged(const QueueOp& op, const Send& send) {
    return op.status == OpStatus::ok || (op.status == OpStatus::unknown && send.offset);
  }

  void build_logs() {
    for (const QueueOp& op : history_.ops) {
      for (const Send& send : op.sends) {
        if (!acknowledged(op, send)) continue;
        ++result_.acknowledged_sends;
        if (send.offset) note(logs_[send.key], *send.offset, send.value, op.invoke_index);
      }
      if (op.status == OpStatus::failed) {
        for (const Send& send : op.sends) failed_[send.key].emplace(send.value, op.invoke_index);
      }
      for (const Poll& poll : op.polls) {
        KeyLog& log = logs_[poll.key];
        for (const Record& record : poll.records) {
          ++result_.polled_records;
          note(log, record.offset, record.value, op.invoke_index);
          log.polled.insert(record.value);
          log.polled_max = std::max(log.polled_max, record.offset);
        }
      }
    }
  }

  static std::vector<std::int64_t> unique_ops(std::vector<std::int64_t> ops) {
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    return ops;
  }

  void find_offset_conflicts() {
    for (const auto& [key, log] : logs_) {
      for (const auto& [offset, values] : log.values_at) {
        if (values.size() < 2) continue;
        report({"inconsistent-offsets",
                key,
                {offset},
                {values.begin(), values.end()},
                unique_ops(log.ops_at.at(offset)),
                fmt::format("key {} offset {} holds {} different values", key, offset,
                            values.size())});
      }
      for (const auto& [value, offsets] : log.offsets_of) {
        if (offsets.size() < 2) continue;
        std::vector<std::int64_t> ops;
        for (std::int64_t offset : offsets) {
          const auto& at = log.ops_at.at(offset);
          ops.insert(ops.end(), at.begin(), at.end());
        }
        report({"duplicate",
                key,
                {offsets.begin(), offsets.end()},
                {value},
                unique_ops(ops),
                fmt::format("key {} value {} is at {} offsets", key, value, offsets.size())});
      }
    }
  }

  // The final drain: where the first final-poll was invoked, and for each
  // key an ok final-poll read (from offset 0 to its end), that poll's op.
  void find_drain() {
    for (const QueueOp& op : history_.ops) {  // invocation order: the first is the earliest
      if (op.f != "final-poll") continue;
      if (drain_begins_ < 0) drain_begins_ = op.invoke_index;
      if (op.status != OpStatus::ok) continue;
      for (const Poll& poll : op.polls) drained_.try_emplace(poll.key, op.invoke_index);
    }
  }

  // An acknowledged send no poll saw is lost when polls read past its offset,
  // or when it was acknowledged before the drain began and the drain read
  // its key to the end; otherwise nothing says it should have been seen.
  void find_lost(const QueueOp& op, const Send& send) {
    const auto it = logs_.find(send.key);
    if (it != logs_.end() && it->second.polled.count(send.value) > 0) return;
    const std::int64_t polled_max = it == logs_.end() ? -1 : it->second.polled_max;
    if (send.offset && *send.offset < polled_max) {
      report({"lost-write",
              send.key,
              {*send.offset},
              {send.value},
              {op.invoke_index},
              fmt::format("key {}: the acknowledged send of {} at offset {} was never polled, "
                          "though polls read up to offset {}",
                          send.key, send.value, *send.offset, polled_max)});
      return;
    }
    const auto drain = drained_.find(send.key);
    if (drain == drained_.end() || op.complete_index >= drain_begins_) {
      ++result_.unseen;
      return;
    }
    const std::string at = send.offset ? fmt::format(" at offset {}", *send.offset) : "";
    report({"lost-write",
            send.key,
            send.offset ? std::vector<std::int64_t>{*send.offset} : std::vector<std::int64_t>{},
            {send.value},
            {op.invoke_index, drain->second},
            fmt::format("key {}: the send of {}{} was acknowledged before the final drain began, "
                        "but no poll saw it and the final drain of the key (op {}) never saw it",
                        send.key, send.value, at, drain->second)});
  }

  void find_lost_and_aborted() {
    find_drain();
    for (const QueueOp& op : history_.ops) {
      for (const Send& send : op.sends)
        if (acknowledged(op, send)) find_lost(op, send);
    }
    for (const QueueOp& op : history_.ops) {
      for (const Poll& poll : op.polls) {
        const auto failed = failed_.find(poll.key);
        if (failed == failed_.end()) continue;
        for (const Record& record : poll.records) {
          const auto sender = failed->second.find(record.value);
          if (sender == failed->second.end()) continue;
          report({"G1a",
                  poll.key,
                  {record.offset},
                  {record.value},
                  {sender->second, op.invoke_index},
                  fmt::format(
                      "key {}: a poll read {} at offset {}, whose send failed (an aborted read)",
                      poll.key, record.value, record.offset)});
        }
      }
    }
  }

  // Whether the log holds an offset strictly between `from` and `to`.
  bool holds_between(const std::string& key, std::int64_t from, std::int64_t to) const {
    const auto& at = logs_.at(key).values_at;
    const auto it = at.upper_bound(from);
    return it != at.end() && it->first < to;
  }

  void find_process_order() {
    // process -> key -> last offset it sent / polled
    std::map<std::int64_t, std::map<std::string, std::pair<std::int64_t, std::int64_t>>> sent,
        polled;
    for (std::size_t i = 0; i < history_.ops.size(); ++i) {  // invocation order = a process's own
      const QueueOp& op = history_.ops[i];
      if (op.f == "assign" || op.f == "subscribe") polled.erase(op.process);
      for (const Send& send : op.sends) {
        if (!send.offset || !acknowledged(op, send)) continue;
        auto [it, fresh] = sent[op.process].try_emplace(send.key, *send.offset, op.invoke_index);
        if (!fresh && *send.offset <= it->second.first) {
          report({"nonmonotonic-send",
                  send.key,
                  {it->second.first, *send.offset},
                  {send.value},
                  {it->second.second, op.invoke_index},
                  fmt::format("process {} sent to key {} at offset {} after offset {}", op.process,
                              send.key, *send.offset, it->second.first)});
        }
        it->second = {*send.offset, op.invoke_index};
      }
      // A group rebalance may move a member's partition away and back, so
      // its own polls of it may jump or go back: the group is judged whole
      // (find_group_skips).
      if (subscribed_[i]) continue;
      for (const Poll& poll : op.polls) check_poll_order(op, poll, polled[op.process]);
    }
  }

  // What the consumer group (every process while subscribed) polled of
  // each key: offset -> the first op that read it.
  std::map<std::string, std::map<std::int64_t, std::int64_t>> group_polls() const {
    std::map<std::string, std::map<std::int64_t, std::int64_t>> read;
    for (std::size_t i = 0; i < history_.ops.size(); ++i) {
      const QueueOp& op = history_.ops[i];
      if (op.f != "poll" || op.status != OpStatus::ok || !subscribed_[i]) continue;
      for (const Poll& poll : op.polls) {
        for (const Record& record : poll.records)
          read[poll.key].try_emplace(record.offset, op.invoke_index);
      }
    }
    return read;
  }

  // At-least-once delivery to the group: every offset the log holds below
  // the highest one the group polled was polled by some member. A run of
  // offsets no member polled is one group-skip, shown by the polls on
  // either side of it.
  void find_group_skips() {
    for (const auto& [key, read] : group_polls()) {
      const std::int64_t highest = read.rbegin()->first;
      const auto& log = logs_.at(key).values_at;
      std::vector<std::int64_t> gap;
      std::vector<std::string> values;
      std::int64_t before_op = -1;
      for (auto it = log.begin(); it != log.end() && it->first <= highest; ++it) {
        const auto polled = read.find(it->first);
        if (polled == read.end()) {
          gap.push_back(it->first);
          values.insert(values.end(), it->second.begin(), it->second.end());
          continue;
        }
        if (!gap.empty()) report_group_skip(key, gap, values, before_op, polled->second);
        gap.clear();
        values.clear();
        before_op = polled->second;
      }
    }
  }

  void report_group_skip(const std::string& key, const std::vector<std::int64_t>& gap,
                         const std::vector<std::string>& values, std::int64_t before_op,
                         std::int64_t after_op) {
    std::vector<std::int64_t> ops{after_op};
    if (before_op >= 0) ops.push_back(before_op);
    const std::string range = gap.size() == 1
                                  ? fmt::format("offset {}", gap.front())
                                  : fmt::format("offsets {} to {}", gap.front(), gap.back());
    report({"group-skip", key, gap, values, unique_ops(ops),
            fmt::format("key {}: no member of the consumer group polled {} ({} record{}), though "
                        "the group polled past them",
                        key, range, gap.size(), gap.size() == 1 ? "" : "s")});
  }

  void check_poll_order(const QueueOp& op, const Poll& poll,
                        std::map<std::string, std::pair<std::int64_t, std::int64_t>>& last) {
    for (const Record& record : poll.records) {
      auto [it, fresh] = last.try_emplace(poll.key, record.offset, op.invoke_index);
      if (fresh) continue;
      const auto [before, before_op] = it->second;
      if (record.offset <= before) {
        report({"nonmonotonic-poll",
                poll.key,
                {before, record.offset},
                {record.value},
                unique_ops({before_op, op.invoke_index}),
                fmt::format("process {} polled key {} at offset {} after offset {}", op.process,
                            poll.key, record.offset, before)});
      } else if (holds_between(poll.key, before, record.offset)) {
        report({"poll-skip",
                poll.key,
                {before, record.offset},
                {record.value},
                unique_ops({before_op, op.invoke_index}),
                fmt::format(
                    "process {} polled key {} at offset {} then {}, skipping offsets the log holds",
                    op.process, poll.key, before, record.offset)});
      }
      it->second = {record.offset, op.invoke_index};
    }
  }

  void find_cycles() {
    TxnCycles cycles = find_txn_cycles(history_);
    result_.write_cycles = cycles.write_cycles;
    for (Anomaly& anomaly : cycles.g1c) report(std::move(anomaly));
  }

  const QueueHistory& history_;
  std::vector<bool> subscribed_;  // by op
  std::map<std::string, KeyLog> logs_;
  std::map<std::string, std::unordered_map<std::string, std::int64_t>>
      failed_;  // key -> value -> op
  std::int64_t drain_begins_ = -1;               // the first final-poll's invocation
  std::map<std::string, std::int64_t> drained_;  // key -> the first ok final-poll that read it
  QueueCheckResult result_;
};

}  // namespace

QueueCheckResult check_queue(const QueueHistory& history) { return Judge(history).run(); }

}  // namespace simlab::queue

#include "checkers/queue/queue_checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "checkers/history/value_format.h"
#include "checkers/queue/queue_cycles.h"

namespace simlab::queue {
namespace {

// One thing the history says a key's log holds: a value at an offset, from
// an acknowledged send or a poll (the op's invocation index).
struct Entry {
  std::int64_t offset;
  Atom value;
  std::int64_t op;
  friend auto operator<=>(const Entry&, const Entry&) = default;
};

// What the history says about one key's log, flat and sorted once built.
struct KeyLog {
  Atom key;
  std::vector<Entry> entries;         // sorted by offset, value, op
  std::vector<std::int64_t> offsets;  // the distinct offsets of entries, ascending
  std::vector<Atom> polled;           // values some poll read, sorted, distinct
  std::int64_t polled_max = -1;
  std::unordered_map<Atom, std::int64_t, AtomHash> failed;  // a failed send's value -> its op
  std::int64_t drained_by = -1;  // the first ok final-poll that read the key
  std::vector<std::pair<std::int64_t, std::int64_t>> group_reads;  // (offset, op) by the group
  bool logged = false;  // an acknowledged send with an offset or a poll named the key
  // (offset, op) of every poll's records by offset, and per position the
  // earliest op among it and those after: the first poll past an offset.
  std::vector<std::pair<std::int64_t, std::int64_t>> poll_reads;
  std::vector<std::int64_t> first_poll_from;

  bool was_polled(Atom value) const {
    return std::binary_search(polled.begin(), polled.end(), value);
  }
  // The entries at `offset`, as a range of `entries`.
  std::pair<std::vector<Entry>::const_iterator, std::vector<Entry>::const_iterator> at(
      std::int64_t offset) const {
    struct ByOffset {
      bool operator()(const Entry& entry, std::int64_t o) const { return entry.offset < o; }
      bool operator()(std::int64_t o, const Entry& entry) const { return o < entry.offset; }
    };
    return std::equal_range(entries.begin(), entries.end(), offset, ByOffset{});
  }
};

// A process's last offset of a key, and the op that sent or polled it.
struct Last {
  std::int64_t offset;
  std::int64_t op;
  std::uint64_t epoch;  // the process's assignment epoch it is from (polls only)
};

struct ProcessKey {
  std::int64_t process;
  std::uint32_t key;
  friend bool operator==(const ProcessKey&, const ProcessKey&) = default;
};
struct ProcessKeyHash {
  std::size_t operator()(const ProcessKey& pk) const {
    return history::mix_bits(static_cast<std::uint64_t>(pk.process) * 0x9e3779b97f4a7c15ULL ^
                             pk.key);
  }
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
    result_.keys = keys_with_entries();
    result_.valid = result_.counts.empty();
    return std::move(result_);
  }

 private:
  void report(Anomaly anomaly) {
    if (result_.counts[anomaly.name]++ < kExamplesMax)
      result_.anomalies.push_back(std::move(anomaly));
  }

  std::string text(Atom atom) const { return history_.text(atom); }

  // The atoms' texts, sorted as text, as the examples list values.
  std::vector<std::string> sorted_texts(const std::vector<Atom>& atoms) const {
    std::vector<std::string> texts;
    texts.reserve(atoms.size());
    for (Atom atom : atoms) texts.push_back(text(atom));
    std::sort(texts.begin(), texts.end());
    texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
    return texts;
  }

  std::uint32_t key_id(Atom key) {
    const auto [it, fresh] = key_ids_.try_emplace(key, static_cast<std::uint32_t>(logs_.size()));
    if (fresh) logs_.push_back(KeyLog{key, {}, {}, {}, -1, {}, -1, {}, false, {}, {}});
    return it->second;
  }

  std::size_t keys_with_entries() const {
    return static_cast<std::size_t>(
        std::count_if(logs_.begin(), logs_.end(), [](const KeyLog& log) { return log.logged; }));
  }

  // For each op, whether its process was a consumer group's member then: it
  // subscribed, and has not assigned partitions to itself since.
  void mark_subscribed() {
    std::unordered_set<std::int64_t> members;
    subscribed_.reserve(history_.ops.size());
    for (const QueueOp& op : history_.ops) {
      if (op.f == QueueF::assign) members.erase(op.process);
      if (op.f == QueueF::subscribe) members.insert(op.process);
      subscribed_.push_back(members.contains(op.process));
    }
  }

  // An ok op's sends were acknowledged; so were those an indeterminate op's
  // completion gives offsets for (a pipelined send whose other values'
  // fates are unknown).
  static bool acknowledged(const QueueOp& op, const Send& send) {
    return op.status == OpStatus::ok || (op.status == OpStatus::unknown && send.offset);
  }

  // What a member polled counts as handled by the group: an ok poll's
  // records, and a transaction's that committed or may have (its offset
  // commit rode in it: Kafka's exactly-once consume-transform-produce).
  static bool is_group_read(const QueueOp& op) {
    if (op.f == QueueF::poll) return op.status == OpStatus::ok;
    return op.f == QueueF::txn && op.status != OpStatus::failed;
  }

  void build_logs() {
    for (std::size_t i = 0; i < history_.ops.size(); ++i) {
      const QueueOp& op = history_.ops[i];
      for (const Send& send : op.sends) {
        KeyLog& log = logs_[key_id(send.key)];
        if (op.status == OpStatus::failed) log.failed.try_emplace(send.value, op.invoke_index);
        if (!acknowledged(op, send)) continue;
        ++result_.acknowledged_sends;
        if (!send.offset) continue;
        log.entries.push_back({*send.offset, send.value, op.invoke_index});
        log.logged = true;
      }
      const bool group_read = subscribed_[i] && is_group_read(op);
      for (const Poll& poll : op.polls) {
        KeyLog& log = logs_[key_id(poll.key)];
        log.logged = true;
        for (const Record& record : poll.records) {
          ++result_.polled_records;
          log.entries.push_back({record.offset, record.value, op.invoke_index});
          log.polled.push_back(record.value);
          log.polled_max = std::max(log.polled_max, record.offset);
          log.poll_reads.emplace_back(record.offset, op.invoke_index);
          if (group_read) log.group_reads.emplace_back(record.offset, op.invoke_index);
        }
      }
    }
    for (KeyLog& log : logs_) sort_log(log);
    key_order_.resize(logs_.size());
    for (std::uint32_t i = 0; i < logs_.size(); ++i) key_order_[i] = i;
    std::vector<std::string> key_texts;
    for (const KeyLog& log : logs_) key_texts.push_back(text(log.key));
    std::sort(key_order_.begin(), key_order_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return key_texts[a] < key_texts[b]; });
  }

  static void sort_log(KeyLog& log) {
    std::sort(log.entries.begin(), log.entries.end());
    for (const Entry& entry : log.entries) {
      if (log.offsets.empty() || log.offsets.back() != entry.offset)
        log.offsets.push_back(entry.offset);
    }
    std::sort(log.polled.begin(), log.polled.end());
    log.polled.erase(std::unique(log.polled.begin(), log.polled.end()), log.polled.end());
    std::sort(log.poll_reads.begin(), log.poll_reads.end());
    log.first_poll_from.resize(log.poll_reads.size());
    for (std::size_t i = log.poll_reads.size(); i-- > 0;) {
      const std::int64_t op = log.poll_reads[i].second;
      log.first_poll_from[i] =
          i + 1 < log.poll_reads.size() ? std::min(op, log.first_poll_from[i + 1]) : op;
    }
    // The group's first read of each offset (ops are in invocation order).
    std::sort(log.group_reads.begin(), log.group_reads.end());
    log.group_reads.erase(
        std::unique(log.group_reads.begin(), log.group_reads.end(),
                    [](const auto& a, const auto& b) { return a.first == b.first; }),
        log.group_reads.end());
  }

  static std::vector<std::int64_t> unique_ops(std::vector<std::int64_t> ops) {
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    return ops;
  }

  static std::vector<std::int64_t> ops_of(std::vector<Entry>::const_iterator first,
                                          std::vector<Entry>::const_iterator last) {
    std::vector<std::int64_t> ops;
    for (auto it = first; it != last; ++it) ops.push_back(it->op);
    return unique_ops(std::move(ops));
  }

  void find_inconsistent_offsets(const KeyLog& log) {
    const std::string key = text(log.key);
    for (auto first = log.entries.begin(); first != log.entries.end();) {
      auto last = first;
      std::vector<Atom> values;
      for (; last != log.entries.end() && last->offset == first->offset; ++last) {
        if (values.empty() || values.back() != last->value) values.push_back(last->value);
      }
      if (values.size() >= 2) {
        report({"inconsistent-offsets",
                key,
                {first->offset},
                sorted_texts(values),
                ops_of(first, last),
                fmt::format("key {} offset {} holds {} different values", key, first->offset,
                            values.size())});
      }
      first = last;
    }
  }

  void find_duplicates(const KeyLog& log) {
    std::vector<std::pair<Atom, std::int64_t>> placed;  // (value, offset), distinct
    placed.reserve(log.entries.size());
    for (const Entry& entry : log.entries) placed.emplace_back(entry.value, entry.offset);
    std::sort(placed.begin(), placed.end());
    placed.erase(std::unique(placed.begin(), placed.end()), placed.end());
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> duplicates;  // value -> offsets
    for (auto first = placed.begin(); first != placed.end();) {
      auto last = first;
      std::vector<std::int64_t> offsets;
      for (; last != placed.end() && last->first == first->first; ++last)
        offsets.push_back(last->second);
      if (offsets.size() >= 2) duplicates.emplace_back(text(first->first), std::move(offsets));
      first = last;
    }
    std::sort(duplicates.begin(), duplicates.end());  // by value text, as examples list them
    const std::string key = text(log.key);
    for (auto& [value, offsets] : duplicates) {
      std::vector<std::int64_t> ops;
      for (std::int64_t offset : offsets) {
        const auto [first, last] = log.at(offset);
        for (auto it = first; it != last; ++it) ops.push_back(it->op);
      }
      report({"duplicate",
              key,
              offsets,
              {value},
              unique_ops(std::move(ops)),
              fmt::format("key {} value {} is at {} offsets", key, value, offsets.size())});
    }
  }

  void find_offset_conflicts() {
    for (std::uint32_t k : key_order_) {
      find_inconsistent_offsets(logs_[k]);
      find_duplicates(logs_[k]);
    }
  }

  // The final drain: where the first final-poll was invoked, and for each
  // key an ok final-poll read (from offset 0 to its end), that poll's op.
  void find_drain() {
    for (const QueueOp& op : history_.ops) {  // invocation order: the first is the earliest
      if (op.f != QueueF::final_poll) continue;
      if (drain_begins_ < 0) drain_begins_ = op.invoke_index;
      if (op.status != OpStatus::ok) continue;
      for (const Poll& poll : op.polls) {
        KeyLog& log = logs_[key_ids_.at(poll.key)];
        if (log.drained_by < 0) log.drained_by = op.invoke_index;
      }
    }
  }

  // An acknowledged send no poll saw is lost when polls read past its offset,
  // or when it was acknowledged before the drain began and the drain read
  // its key to the end; otherwise nothing says it should have been seen.
  void find_lost(const QueueOp& op, const Send& send) {
    const KeyLog& log = logs_[key_ids_.at(send.key)];
    if (log.was_polled(send.value)) return;
    if (send.offset && *send.offset < log.polled_max) {
      const std::string key = text(log.key);
      const std::string value = text(send.value);
      const std::int64_t past = first_poll_past(log, *send.offset);
      report({"lost-write",
              key,
              {*send.offset},
              {value},
              {op.invoke_index, past},
              fmt::format("key {}: the acknowledged send of {} at offset {} was never polled, "
                          "though polls read up to offset {} (the first past it: op {})",
                          key, value, *send.offset, log.polled_max, past)});
      return;
    }
    if (log.drained_by < 0 || op.complete_index >= drain_begins_) {
      ++result_.unseen;
      return;
    }
    const std::string key = text(log.key);
    const std::string value = text(send.value);
    const std::string at = send.offset ? fmt::format(" at offset {}", *send.offset) : "";
    report({"lost-write",
            key,
            send.offset ? std::vector<std::int64_t>{*send.offset} : std::vector<std::int64_t>{},
            {value},
            {op.invoke_index, log.drained_by},
            fmt::format("key {}: the send of {}{} was acknowledged before the final drain began, "
                        "but no poll saw it and the final drain of the key (op {}) never saw it",
                        key, value, at, log.drained_by)});
  }

  // The first poll (by invocation) that read an offset above `offset`.
  // REQUIRES: some poll did (offset < log.polled_max).
  static std::int64_t first_poll_past(const KeyLog& log, std::int64_t offset) {
    const auto after =
        std::upper_bound(log.poll_reads.begin(), log.poll_reads.end(), offset,
                         [](std::int64_t o, const std::pair<std::int64_t, std::int64_t>& read) {
                           return o < read.first;
                         });
    return log.first_poll_from[static_cast<std::size_t>(after - log.poll_reads.begin())];
  }

  void find_aborted_reads(const QueueOp& op, const Poll& poll) {
    const KeyLog& log = logs_[key_ids_.at(poll.key)];
    if (log.failed.empty()) return;
    for (const Record& record : poll.records) {
      const auto sender = log.failed.find(record.value);
      if (sender == log.failed.end()) continue;
      const std::string key = text(log.key);
      const std::string value = text(record.value);
      report(
          {"G1a",
           key,
           {record.offset},
           {value},
           {sender->second, op.invoke_index},
           fmt::format("key {}: a poll read {} at offset {}, whose send failed (an aborted read)",
                       key, value, record.offset)});
    }
  }

  void find_lost_and_aborted() {
    find_drain();
    for (const QueueOp& op : history_.ops) {
      for (const Send& send : op.sends)
        if (acknowledged(op, send)) find_lost(op, send);
    }
    for (const QueueOp& op : history_.ops) {
      for (const Poll& poll : op.polls) find_aborted_reads(op, poll);
    }
  }

  // Whether the key's log holds an offset strictly between `from` and `to`.
  static bool holds_between(const KeyLog& log, std::int64_t from, std::int64_t to) {
    const auto it = std::upper_bound(log.offsets.begin(), log.offsets.end(), from);
    return it != log.offsets.end() && *it < to;
  }

  void find_process_order() {
    std::unordered_map<ProcessKey, Last, ProcessKeyHash> sent, polled;
    // A process's assignment epoch: an assign or subscribe restarts its polls.
    std::unordered_map<std::int64_t, std::uint64_t> epochs;
    for (std::size_t i = 0; i < history_.ops.size(); ++i) {  // invocation order = a process's own
      const QueueOp& op = history_.ops[i];
      if (op.f == QueueF::assign || op.f == QueueF::subscribe) ++epochs[op.process];
      for (const Send& send : op.sends) {
        if (!send.offset || !acknowledged(op, send)) continue;
        const ProcessKey pk{op.process, key_ids_.at(send.key)};
        auto [it, fresh] = sent.try_emplace(pk, Last{*send.offset, op.invoke_index, 0});
        if (!fresh && *send.offset <= it->second.offset) {
          const std::string key = text(send.key);
          report({"nonmonotonic-send",
                  key,
                  {it->second.offset, *send.offset},
                  {text(send.value)},
                  {it->second.op, op.invoke_index},
                  fmt::format("process {} sent to key {} at offset {} after offset {}", op.process,
                              key, *send.offset, it->second.offset)});
        }
        it->second = {*send.offset, op.invoke_index, 0};
      }
      // A group rebalance may move a member's partition away and back, so
      // its own polls of it may jump or go back: the group is judged whole
      // (find_group_skips).
      if (subscribed_[i] || op.polls.empty()) continue;
      const auto epoch = epochs.find(op.process);
      for (const Poll& poll : op.polls)
        check_poll_order(op, poll, epoch == epochs.end() ? 0 : epoch->second, polled);
    }
  }

  void check_poll_order(const QueueOp& op, const Poll& poll, std::uint64_t epoch,
                        std::unordered_map<ProcessKey, Last, ProcessKeyHash>& last) {
    const std::uint32_t k = key_ids_.at(poll.key);
    const KeyLog& log = logs_[k];
    for (const Record& record : poll.records) {
      auto [it, fresh] =
          last.try_emplace({op.process, k}, Last{record.offset, op.invoke_index, epoch});
      if (!fresh && it->second.epoch == epoch) report_poll_order(op, log, record, it->second);
      it->second = {record.offset, op.invoke_index, epoch};
    }
  }

  void report_poll_order(const QueueOp& op, const KeyLog& log, const Record& record,
                         const Last& before) {
    if (record.offset > before.offset && !holds_between(log, before.offset, record.offset)) return;
    const std::string key = text(log.key);
    if (record.offset <= before.offset) {
      report({"nonmonotonic-poll",
              key,
              {before.offset, record.offset},
              {text(record.value)},
              unique_ops({before.op, op.invoke_index}),
              fmt::format("process {} polled key {} at offset {} after offset {}", op.process, key,
                          record.offset, before.offset)});
      return;
    }
    report({"poll-skip",
            key,
            {before.offset, record.offset},
            {text(record.value)},
            unique_ops({before.op, op.invoke_index}),
            fmt::format(
                "process {} polled key {} at offset {} then {}, skipping offsets the log holds",
                op.process, key, before.offset, record.offset)});
  }

  // At-least-once delivery to the group: every offset the log holds below
  // the highest one the group polled was polled by some member. A run of
  // offsets no member polled is one group-skip, shown by the polls on
  // either side of it.
  void find_group_skips() {
    for (std::uint32_t k : key_order_) {
      const KeyLog& log = logs_[k];
      if (log.group_reads.empty()) continue;
      const std::int64_t highest = log.group_reads.back().first;
      auto read = log.group_reads.begin();
      std::vector<std::int64_t> gap;
      std::vector<std::string> values;  // each skipped offset's distinct values, in text order
      std::int64_t before_op = -1;
      for (auto first = log.entries.begin();
           first != log.entries.end() && first->offset <= highest;) {
        auto last = first;
        std::vector<Atom> at;
        for (; last != log.entries.end() && last->offset == first->offset; ++last)
          at.push_back(last->value);
        while (read->first < first->offset) ++read;  // highest bounds it
        if (read->first != first->offset) {
          gap.push_back(first->offset);
          for (std::string& value : sorted_texts(at)) values.push_back(std::move(value));
        } else {
          if (!gap.empty()) report_group_skip(log, gap, values, before_op, read->second);
          gap.clear();
          values.clear();
          before_op = read->second;
        }
        first = last;
      }
    }
  }

  void report_group_skip(const KeyLog& log, const std::vector<std::int64_t>& gap,
                         const std::vector<std::string>& values, std::int64_t before_op,
                         std::int64_t after_op) {
    std::vector<std::int64_t> ops{after_op};
    if (before_op >= 0) ops.push_back(before_op);
    const std::string key = text(log.key);
    const std::string range = gap.size() == 1
                                  ? fmt::format("offset {}", gap.front())
                                  : fmt::format("offsets {} to {}", gap.front(), gap.back());
    report({"group-skip", key, gap, values, unique_ops(ops),
            fmt::format("key {}: no member of the consumer group polled {} ({} record{}), though "
                        "the group polled past them",
                        key, range, gap.size(), gap.size() == 1 ? "" : "s")});
  }

  void find_cycles() {
    TxnCycles cycles = find_txn_cycles(history_);
    result_.write_cycles = cycles.write_cycles;
    for (Anomaly& anomaly : cycles.g1c) report(std::move(anomaly));
  }

  const QueueHistory& history_;
  std::vector<bool> subscribed_;  // by op
  std::unordered_map<Atom, std::uint32_t, AtomHash> key_ids_;
  std::vector<KeyLog> logs_;              // by key id, in order first seen
  std::vector<std::uint32_t> key_order_;  // key ids by key text, the order keys are judged in
  std::int64_t drain_begins_ = -1;        // the first final-poll's invocation
  QueueCheckResult result_;
};

}  // namespace

QueueCheckResult check_queue(const QueueHistory& history) { return Judge(history).run(); }

}  // namespace simlab::queue

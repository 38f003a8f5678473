// List-append inference (Elle, section 4.1): every read of a key returns a
// prefix of the key's version order, so the longest read is the order, and
// each read pins down exactly which version it saw.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <span>

#include "checkers/txn/inference.h"
#include "checkers/txn/realtime_order.h"
#include "checkers/txn/version_index.h"

namespace simlab::txn {
namespace {

std::string list_text(std::span<const std::int64_t> values) {
  return fmt::format("[{}]", fmt::join(values, " "));
}

// A transaction reads its own appends: a read must equal its previous read
// of the key plus the appends since, or end with the appends so far.
void check_internal(const TxnHistory& history, std::uint32_t id, std::vector<Anomaly>& out) {
  const auto ops = history.ops_of(id);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].kind != MicroOpKind::read || !ops[i].result_known) continue;
    std::vector<std::int64_t> expected;
    bool prefix_known = false;
    for (std::size_t j = 0; j < i; ++j) {
      if (ops[j].key != ops[i].key) continue;
      if (ops[j].kind == MicroOpKind::read) {
        const auto seen = history.elements_of(ops[j]);
        expected.assign(seen.begin(), seen.end());
        prefix_known = true;
      } else {
        expected.push_back(ops[j].value);
      }
    }
    const auto got = history.elements_of(ops[i]);
    const bool ok = prefix_known
                        ? std::equal(got.begin(), got.end(), expected.begin(), expected.end())
                        : got.size() >= expected.size() &&
                              std::equal(expected.begin(), expected.end(),
                                         got.end() - static_cast<long>(expected.size()));
    if (ok) continue;
    out.push_back({"internal",
                   {id},
                   {},
                   fmt::format("{} read key {} = {} but its own earlier operations imply {}{}",
                               txn_label(id), history.key_names[ops[i].key], list_text(got),
                               prefix_known ? "" : "a list ending in ", list_text(expected))});
  }
}

struct ReadRef {
  std::uint32_t txn;
  const MicroOp* op;
};

bool first_read_of_key(std::span<const MicroOp> ops, const MicroOp* op) {
  for (const MicroOp* it = ops.data(); it != op; ++it) {
    if (it->key == op->key && it->kind == MicroOpKind::read) return false;
  }
  return true;
}

bool has_duplicates(std::span<const std::int64_t> values) {
  std::vector<std::int64_t> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

class ListAppendInference {
 public:
  ListAppendInference(const TxnHistory& history, DependencyGraph& graph)
      : history_(history), graph_(graph), index_(history) {}

  Inference run() {
    for (std::uint32_t id = 0; id < history_.txns.size(); ++id) {
      if (history_.txns[id].status == TxnStatus::committed)
        check_internal(history_, id, result_.anomalies);
    }
    group_reads();
    for (std::uint32_t key = 0; key < history_.key_names.size(); ++key) infer_key(key);
    report_lost_updates();
    return std::move(result_);
  }

 private:
  void group_reads() {
    reads_.resize(history_.key_names.size());
    for (std::uint32_t id = 0; id < history_.txns.size(); ++id) {
      const auto ops = history_.ops_of(id);
      for (const MicroOp& op : ops) {
        if (op.kind == MicroOpKind::read && op.result_known && first_read_of_key(ops, &op)) {
          reads_[op.key].push_back({id, &op});
        }
      }
    }
  }

  // The key's version order: its longest read, which every read must prefix.
  void infer_key(std::uint32_t key) {
    auto& reads = reads_[key];
    std::span<const std::int64_t> order;
    for (const ReadRef& read : reads) {
      const auto seen = history_.elements_of(*read.op);
      if (seen.size() > order.size()) order = seen;
    }
    if (has_duplicates(order)) report_duplicates(key, reads, order);
    std::int32_t position = 0;
    for (const std::int64_t value : order) {
      WriteRecord* record = index_.find(key, value);
      if (record != nullptr && record->position < 0) record->position = position;
      ++position;
    }
    std::vector<std::int64_t> extended;
    if (extend_with_unread(key, order, extended)) order = extended;
    add_ww_edges(key, order);
    for (const ReadRef& read : reads) {
      const auto seen = history_.elements_of(*read.op);
      const bool compatible = std::equal(seen.begin(), seen.end(), order.begin());
      if (!compatible) report_incompatible(key, read, order);
      infer_read(key, read, compatible ? order : seen);
    }
    reads.clear();
    reads.shrink_to_fit();
  }

  // Appends nobody read still have a place when they all come from one
  // committed transaction: right after the longest read, in the order that
  // transaction made them. This is how Elle orders the lone append after an
  // empty read (see si-without-g-single.edn).
  bool extend_with_unread(std::uint32_t key, std::span<const std::int64_t> order,
                          std::vector<std::int64_t>& extended) {
    std::optional<std::uint32_t> only;
    for (const WriteRecord& record : index_.of_key(key)) {
      if (record.position >= 0 || !visible(record)) continue;
      if (only && *only != record.txn) return false;
      only = record.txn;
    }
    if (!only || history_.txns[*only].status != TxnStatus::committed) return false;
    extended.assign(order.begin(), order.end());
    for (const MicroOp& op : history_.ops_of(*only)) {
      if (op.kind != MicroOpKind::append || op.key != key) continue;
      WriteRecord* record = index_.find(key, op.value);
      if (record == nullptr || record->txn != *only) return false;  // a duplicate append
      record->position = static_cast<std::int32_t>(extended.size());
      extended.push_back(op.value);
    }
    return true;
  }

  void add_ww_edges(std::uint32_t key, std::span<const std::int64_t> order) {
    for (std::size_t i = 0; i + 1 < order.size(); ++i) {
      const WriteRecord* from = index_.find(key, order[i]);
      const WriteRecord* to = index_.find(key, order[i + 1]);
      if (from == nullptr || to == nullptr || from->txn == to->txn) continue;
      if (!visible(*from) || !visible(*to)) continue;
      graph_.add_dependency({from->txn, to->txn, key, kWw, order[i], order[i + 1]});
    }
  }

  bool visible(const WriteRecord& record) const {
    return may_have_committed(history_.txns[record.txn]);
  }

  // wr from the writer of the last version the read saw from others; rw to
  // the writer of the version after it; G1a, G1b and garbage along the way.
  void infer_read(std::uint32_t key, const ReadRef& read, std::span<const std::int64_t> order) {
    const auto seen = history_.elements_of(*read.op);
    check_elements(key, read, seen);
    std::size_t external = seen.size();
    while (external > 0) {
      const WriteRecord* writer = index_.find(key, seen[external - 1]);
      if (writer == nullptr || writer->txn != read.txn) break;
      --external;
    }
    std::int64_t last = kNilValue;
    if (external > 0) {
      last = seen[external - 1];
      const WriteRecord* writer = index_.find(key, last);
      if (writer != nullptr && visible(*writer)) {
        graph_.add_dependency({writer->txn, read.txn, key, kWr, last, last});
        if (!writer->final) report_intermediate(key, read, *writer);
      }
      if (read.op->kind == MicroOpKind::read) note_read_then_append(key, read.txn, last);
    } else {
      note_read_then_append(key, read.txn, kNilValue);
    }
    if (external < order.size() &&
        std::equal(seen.begin(), seen.begin() + external, order.begin())) {
      const WriteRecord* next = index_.find(key, order[external]);
      if (next != nullptr && next->txn != read.txn && visible(*next)) {
        graph_.add_dependency({read.txn, next->txn, key, kRw, last, order[external]});
      }
    }
  }

  void check_elements(std::uint32_t key, const ReadRef& read, std::span<const std::int64_t> seen) {
    for (const std::int64_t value : seen) {
      const WriteRecord* writer = index_.find(key, value);
      if (writer == nullptr) {
        result_.anomalies.push_back(
            {"garbage-read",
             {read.txn},
             {},
             fmt::format("{} read key {} = {}, but no transaction appended {}", txn_label(read.txn),
                         history_.key_names[key], list_text(seen), value)});
        return;
      }
      if (writer->txn == read.txn && appended_after(read, value)) {
        result_.anomalies.push_back(
            {"internal",
             {read.txn},
             {},
             fmt::format("{} read key {} = {}, including {}, which it only appended later",
                         txn_label(read.txn), history_.key_names[key], list_text(seen), value)});
        return;
      }
      if (history_.txns[writer->txn].status == TxnStatus::aborted) {
        result_.anomalies.push_back(
            {"G1a",
             {read.txn, writer->txn},
             {},
             fmt::format("{} read key {} = {}, including {}'s append of {}, and {} aborted",
                         txn_label(read.txn), history_.key_names[key], list_text(seen),
                         txn_label(writer->txn), value, txn_label(writer->txn))});
        return;
      }
    }
  }

  bool appended_after(const ReadRef& read, std::int64_t value) const {
    const auto ops = history_.ops_of(read.txn);
    return std::any_of(read.op + 1, ops.data() + ops.size(), [&](const MicroOp& op) {
      return op.kind == MicroOpKind::append && op.key == read.op->key && op.value == value;
    });
  }

  void report_intermediate(std::uint32_t key, const ReadRef& read, const WriteRecord& writer) {
    result_.anomalies.push_back(
        {"G1b",
         {read.txn, writer.txn},
         {},
         fmt::format("{} read key {} = {}, ending in {}'s append of {}, which {} followed with "
                     "another append to the same key",
                     txn_label(read.txn), history_.key_names[key],
                     list_text(history_.elements_of(*read.op)), txn_label(writer.txn), writer.value,
                     txn_label(writer.txn))});
  }

  void report_duplicates(std::uint32_t key, const std::vector<ReadRef>& reads,
                         std::span<const std::int64_t> order) {
    for (const ReadRef& read : reads) {
      if (history_.elements_of(*read.op).data() != order.data()) continue;
      result_.anomalies.push_back(
          {"duplicate-elements",
           {read.txn},
           {},
           fmt::format("{} read key {} = {}, which repeats an element", txn_label(read.txn),
                       history_.key_names[key], list_text(order))});
      return;
    }
  }

  void report_incompatible(std::uint32_t key, const ReadRef& read,
                           std::span<const std::int64_t> order) {
    result_.anomalies.push_back(
        {"incompatible-order",
         {read.txn},
         {},
         fmt::format("{} read key {} = {}, which is not a prefix of the longest read {}",
                     txn_label(read.txn), history_.key_names[key],
                     list_text(history_.elements_of(*read.op)), list_text(order))});
  }

  // Lost update (Adya, section 4.2.3 "P4"): two committed transactions read
  // the same version of a key and both append to it.
  void note_read_then_append(std::uint32_t key, std::uint32_t txn, std::int64_t version) {
    const auto ops = history_.ops_of(txn);
    const bool appends = std::any_of(ops.begin(), ops.end(), [&](const MicroOp& op) {
      return op.kind == MicroOpKind::append && op.key == key;
    });
    const bool reads_first = std::find_if(ops.begin(), ops.end(), [&](const MicroOp& op) {
                               return op.key == key;
                             })->kind == MicroOpKind::read;
    if (appends && reads_first) read_then_append_.push_back({key, version, txn});
  }

  void report_lost_updates();

  struct ReadVersion {
    std::uint32_t key;
    std::int64_t version;
    std::uint32_t txn;
    auto operator<=>(const ReadVersion&) const = default;
  };

  const TxnHistory& history_;
  DependencyGraph& graph_;
  VersionIndex index_;
  std::vector<std::vector<ReadRef>> reads_;
  std::vector<ReadVersion> read_then_append_;
  Inference result_;
};

void ListAppendInference::report_lost_updates() {
  std::sort(read_then_append_.begin(), read_then_append_.end());
  for (std::size_t i = 0; i < read_then_append_.size();) {
    std::size_t j = i + 1;
    while (j < read_then_append_.size() && read_then_append_[j].key == read_then_append_[i].key &&
           read_then_append_[j].version == read_then_append_[i].version) {
      ++j;
    }
    if (j - i >= 2) {
      Anomaly anomaly{"lost-update", {}, {}, ""};
      std::vector<std::string> names;
      for (std::size_t k = i; k < j; ++k) {
        anomaly.txns.push_back(read_then_append_[k].txn);
        names.push_back(txn_label(read_then_append_[k].txn));
      }
      const auto& first = read_then_append_[i];
      anomaly.detail = fmt::format(
          "{} all read key {} {} and then appended to it: each overwrote the others' update",
          fmt::join(names, ", "), history_.key_names[first.key],
          first.version == kNilValue ? std::string("empty")
                                     : "ending in " + value_text(first.version));
      result_.anomalies.push_back(std::move(anomaly));
    }
    i = j;
  }
}

}  // namespace

Inference infer_list_append(const TxnHistory& history, DependencyGraph& graph) {
  return ListAppendInference(history, graph).run();
}

}  // namespace simlab::txn

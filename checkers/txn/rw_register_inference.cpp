// Read-write register inference (Elle, section 4.2): a register's version
// order is only partly visible. We know the initial nil comes first, that a
// transaction which read v and then wrote w installed w after v, and (when
// asked) that versions follow process or real-time order. The rest stays
// open; infer_rw_register says so through orders_complete.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "checkers/txn/inference.h"
#include "checkers/txn/realtime_order.h"
#include "checkers/txn/version_index.h"

namespace simlab::txn {
namespace {

// A transaction's view of one key: the version it read before touching the
// key itself (if it read first), and its final write (if any).
struct Access {
  std::uint32_t txn = 0;
  std::uint32_t key = 0;
  bool reads = false;
  std::int64_t read_value = kNilValue;
  bool writes = false;
  std::int64_t write_value = kNilValue;
};

class RegisterInference {
 public:
  RegisterInference(const TxnHistory& history, const InferenceOptions& options,
                    DependencyGraph& graph)
      : history_(history),
        options_(options),
        graph_(graph),
        index_(history),
        successors_(history.key_names.size()) {}

  Inference run() {
    for (std::uint32_t id = 0; id < history_.txns.size(); ++id) collect(id);
    for (const Access& access : accesses_) check_read(access);
    infer_orders();
    add_edges();
    report_lost_updates();
    return std::move(result_);
  }

 private:
  // Internal consistency and the external view of each key.
  void collect(std::uint32_t id) {
    const Txn& txn = history_.txns[id];
    if (!may_have_committed(txn)) return;
    std::map<std::uint32_t, Access> by_key;
    for (const MicroOp& op : history_.ops_of(id)) {
      auto [it, fresh] = by_key.try_emplace(op.key, Access{id, op.key});
      Access& access = it->second;
      if (op.kind == MicroOpKind::write) {
        access.writes = true;
        access.write_value = op.value;
        continue;
      }
      if (!op.result_known) continue;
      if (fresh) {
        access.reads = true;
        access.read_value = op.value;
        continue;
      }
      const std::int64_t expected = access.writes ? access.write_value : access.read_value;
      if ((access.writes || access.reads) && op.value != expected) {
        result_.anomalies.push_back(
            {"internal",
             {id},
             {},
             fmt::format("{} read key {} = {} but its own earlier {} of it implies {}",
                         txn_label(id), history_.key_names[op.key], value_text(op.value),
                         access.writes ? "write" : "read", value_text(expected))});
      }
    }
    for (auto& [key, access] : by_key) {
      if (access.reads || access.writes) accesses_.push_back(access);
    }
  }

  bool visible(const WriteRecord& record) const {
    return may_have_committed(history_.txns[record.txn]);
  }

  // A version the order must rank: a final write that committed, or that
  // may have and was read (an unread :info write may never have happened).
  bool ranked(const WriteRecord& record) const {
    if (!record.final || !visible(record)) return false;
    return history_.txns[record.txn].status == TxnStatus::committed ||
           observed_.contains({record.key, record.value});
  }

  void check_read(const Access& access) {
    if (!access.reads || access.read_value == kNilValue) return;
    observed_.insert({access.key, access.read_value});
    const WriteRecord* writer = index_.find(access.key, access.read_value);
    const std::string& key = history_.key_names[access.key];
    const std::string reader = txn_label(access.txn);
    if (writer == nullptr) {
      result_.anomalies.push_back({"garbage-read",
                                   {access.txn},
                                   {},
                                   fmt::format("{} read key {} = {}, which no transaction wrote",
                                               reader, key, access.read_value)});
    } else if (history_.txns[writer->txn].status == TxnStatus::aborted) {
      result_.anomalies.push_back(
          {"G1a",
           {access.txn, writer->txn},
           {},
           fmt::format("{} read key {} = {}, written by {}, which aborted", reader, key,
                       access.read_value, txn_label(writer->txn))});
    } else if (writer->txn == access.txn) {
      result_.anomalies.push_back(
          {"internal",
           {access.txn},
           {},
           fmt::format("{} read key {} = {} before it wrote that value itself", reader, key,
                       access.read_value)});
    } else if (!writer->final) {
      result_.anomalies.push_back(
          {"G1b",
           {access.txn, writer->txn},
           {},
           fmt::format(
               "{} read key {} = {}, an intermediate write of {}, which later wrote it again",
               reader, key, access.read_value, txn_label(writer->txn))});
    }
  }

  void add_version_edge(std::uint32_t key, std::int64_t from, std::int64_t to) {
    if (from != to) successors_[key].insert({from, to});
  }

  // The first version a transaction observes of a key, and the last.
  static std::int64_t first_seen(const Access& a) { return a.reads ? a.read_value : a.write_value; }
  static std::int64_t last_seen(const Access& a) { return a.writes ? a.write_value : a.read_value; }

  void infer_orders() {
    for (const Access& access : accesses_) {
      if (access.reads && access.writes)
        add_version_edge(access.key, access.read_value, access.write_value);
    }
    if (options_.sequential_keys || options_.linearizable_keys) infer_orders_from_time();
    // Initial nil precedes every version nothing else is known to precede.
    for (std::uint32_t key = 0; key < history_.key_names.size(); ++key) {
      std::set<std::int64_t> preceded;
      for (const auto& [from, to] : successors_[key]) {
        if (from != kNilValue) preceded.insert(to);
      }
      for (const WriteRecord& record : index_.of_key(key)) {
        if (ranked(record) && !preceded.contains(record.value)) {
          add_version_edge(key, kNilValue, record.value);
        }
      }
      if (!is_chain(key)) result_.orders_complete = false;
    }
  }

  // Versions of a key follow the order in which one process, or real time,
  // saw them: if A finished with v and B later first saw w, then v <= w.
  void infer_orders_from_time() {
    std::vector<std::vector<const Access*>> by_key(history_.key_names.size());
    for (const Access& access : accesses_) {
      if (history_.txns[access.txn].status == TxnStatus::committed)
        by_key[access.key].push_back(&access);
    }
    for (std::uint32_t key = 0; key < by_key.size(); ++key) {
      auto& list = by_key[key];
      std::sort(list.begin(), list.end(), [&](const Access* a, const Access* b) {
        return history_.txns[a->txn].invoke_position < history_.txns[b->txn].invoke_position;
      });
      std::map<std::uint32_t, const Access*> of_txn;
      std::vector<std::uint32_t> members;
      for (const Access* access : list) {
        of_txn[access->txn] = access;
        members.push_back(access->txn);
      }
      auto link = [&](std::uint32_t from, std::uint32_t to) {
        add_version_edge(key, last_seen(*of_txn[from]), first_seen(*of_txn[to]));
      };
      if (options_.linearizable_keys) for_each_realtime_edge(history_, members, link);
      if (options_.sequential_keys) link_by_process(members, link);
    }
  }

  template <typename Link>
  void link_by_process(const std::vector<std::uint32_t>& members, Link& link) {
    std::map<std::int64_t, std::uint32_t> last;
    for (const std::uint32_t id : members) {
      auto [it, fresh] = last.try_emplace(history_.txns[id].process, id);
      if (!fresh) {
        link(it->second, id);
        it->second = id;
      }
    }
  }

  // Whether the inferred order ranks every visible final write: a
  // topological sort with exactly one choice at every step (Kahn, 1962).
  bool is_chain(std::uint32_t key) {
    std::map<std::int64_t, int> in_degree;
    in_degree[kNilValue] = 0;
    for (const WriteRecord& record : index_.of_key(key)) {
      if (ranked(record)) in_degree.try_emplace(record.value, 0);
    }
    for (const auto& [from, to] : successors_[key]) {
      in_degree.try_emplace(from, 0);
      ++in_degree[to];
    }
    std::vector<std::int64_t> ready;
    for (const auto& [value, degree] : in_degree) {
      if (degree == 0) ready.push_back(value);
    }
    std::size_t ranked = 0;
    while (ready.size() == 1) {
      const std::int64_t value = ready.back();
      ready.pop_back();
      ++ranked;
      for (auto it = successors_[key].lower_bound({value, kNilValue});
           it != successors_[key].end() && it->first == value; ++it) {
        if (--in_degree[it->second] == 0) ready.push_back(it->second);
      }
    }
    return ready.empty() && ranked == in_degree.size();
  }

  void add_edges();
  void report_lost_updates();

  const TxnHistory& history_;
  const InferenceOptions& options_;
  DependencyGraph& graph_;
  VersionIndex index_;
  std::vector<Access> accesses_;
  std::set<std::pair<std::uint32_t, std::int64_t>> observed_;  // (key, value) read by someone
  std::vector<std::set<std::pair<std::int64_t, std::int64_t>>> successors_;  // key -> version edges
  Inference result_;
};

// ww along each version edge; wr from a read version's writer; rw from a
// reader to the writers of every version known to follow what it read.
void RegisterInference::add_edges() {
  auto writer_of = [&](std::uint32_t key, std::int64_t value) -> const WriteRecord* {
    if (value == kNilValue) return nullptr;
    const WriteRecord* record = index_.find(key, value);
    return record != nullptr && visible(*record) ? record : nullptr;
  };
  for (std::uint32_t key = 0; key < successors_.size(); ++key) {
    for (const auto& [from, to] : successors_[key]) {
      const WriteRecord* a = writer_of(key, from);
      const WriteRecord* b = writer_of(key, to);
      if (a != nullptr && b != nullptr && a->txn != b->txn) {
        graph_.add_dependency({a->txn, b->txn, key, kWw, from, to});
      }
    }
  }
  for (const Access& access : accesses_) {
    if (!access.reads || history_.txns[access.txn].status != TxnStatus::committed) continue;
    const auto& edges = successors_[access.key];
    if (const WriteRecord* w = writer_of(access.key, access.read_value);
        w && w->txn != access.txn) {
      graph_.add_dependency(
          {w->txn, access.txn, access.key, kWr, access.read_value, access.read_value});
    }
    for (auto it = edges.lower_bound({access.read_value, kNilValue});
         it != edges.end() && it->first == access.read_value; ++it) {
      const WriteRecord* next = writer_of(access.key, it->second);
      if (next != nullptr && next->txn != access.txn) {
        graph_.add_dependency(
            {access.txn, next->txn, access.key, kRw, access.read_value, it->second});
      }
    }
  }
}

// Lost update (Adya, "P4"): two committed transactions read the same
// version of a key and both wrote it.
void RegisterInference::report_lost_updates() {
  std::map<std::pair<std::uint32_t, std::int64_t>, std::vector<std::uint32_t>> groups;
  for (const Access& access : accesses_) {
    if (access.reads && access.writes && history_.txns[access.txn].status == TxnStatus::committed) {
      groups[{access.key, access.read_value}].push_back(access.txn);
    }
  }
  for (const auto& [version, txns] : groups) {
    if (txns.size() < 2) continue;
    std::vector<std::string> names;
    for (const auto txn : txns) names.push_back(txn_label(txn));
    result_.anomalies.push_back(
        {"lost-update",
         txns,
         {},
         fmt::format("{} all read key {} = {} and then wrote it: each overwrote the others' update",
                     fmt::join(names, ", "), history_.key_names[version.first],
                     value_text(version.second))});
  }
}

}  // namespace

Inference infer_rw_register(const TxnHistory& history, const InferenceOptions& options,
                            DependencyGraph& graph) {
  return RegisterInference(history, options, graph).run();
}

}  // namespace simlab::txn

// Register histories whose version orders inference leaves open: the solver
// decides, and on small random histories it must agree with brute force
// over every version order of every key (Adya's definition), over every
// serial order, and for snapshot isolation over every interleaving of
// starts and commits.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "checkers/txn/strongly_connected.h"
#include "tests/txn/txn_history_support.h"

namespace simlab::txn {
namespace {

using testing::HistoryWriter;
using testing::read_register;
using testing::write;
using Types = std::vector<std::string>;

TEST(RegisterSolver, OpenOrdersWithNoSerialOrderAreUnsatWithACore) {
  HistoryWriter w;
  const std::vector t1 = {write(1, 1), write(2, 1)};
  const std::vector t2 = {write(1, 2), write(2, 2)};
  const std::vector t3 = {read_register(1, 1), read_register(2, 2)};
  w.invoke(1, t1);
  w.invoke(2, t2);
  w.invoke(3, t3);
  w.ok(1, t1);
  w.ok(2, t2);
  w.ok(3, t3);
  const auto result =
      testing::check(w.history(), DataModel::rw_register, ConsistencyModel::serializable);
  EXPECT_FALSE(result.orders_complete);
  ASSERT_TRUE(result.solver.has_value());
  EXPECT_EQ(result.solver->outcome, SolverResult::Outcome::unsatisfiable);
  EXPECT_EQ(result.verdict, Verdict::invalid);
  EXPECT_EQ(testing::anomaly_types(result), Types{"unsatisfiable-serializable"});
  EXPECT_EQ(result.solver->core_txns, (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(result.weakest_violated, std::vector{ConsistencyModel::repeatable_read});
  // Inference alone sees no cycle here.
  const std::string text =
      explain_text(testing::compile(w.history(), DataModel::rw_register), result);
  EXPECT_NE(text.find("T3 read key 1 = 1, written by T1"), std::string::npos) << text;
}

TEST(RegisterSolver, OpenOrdersWithASerialOrderAreValid) {
  HistoryWriter w;
  w.invoke(1, {write(1, 1)});
  w.invoke(2, {write(1, 2)});
  w.ok(1, {write(1, 1)});
  w.ok(2, {write(1, 2)});
  w.txn(3, {read_register(1, 1)});
  const auto result = testing::check(w.history(), DataModel::rw_register);
  EXPECT_FALSE(result.orders_complete);
  ASSERT_TRUE(result.solver.has_value());
  EXPECT_EQ(result.verdict, Verdict::valid);
  EXPECT_EQ(result.solver->serial_order, (std::vector<std::uint32_t>{1, 0, 2}));
}

TEST(RegisterSolver, StrictOrderRulesOutAStaleRead) {
  HistoryWriter w;
  w.txn(1, {write(1, 1)});
  w.txn(2, {write(1, 2)});
  w.txn(3, {read_register(1, 1)});
  EXPECT_EQ(
      testing::check(w.history(), DataModel::rw_register, ConsistencyModel::serializable).verdict,
      Verdict::valid);
  const auto strict = testing::check(w.history(), DataModel::rw_register);
  EXPECT_EQ(strict.verdict, Verdict::invalid);
  EXPECT_EQ(testing::anomaly_types(strict), Types{"unsatisfiable-strict-serializable"});
}

TEST(RegisterSolver, ExhaustedBudgetIsUnknown) {
  // 200 concurrent transactions over four keys, each writing one key and
  // reading another key's version from some other transaction: far more
  // than the solver can settle in a millisecond.
  HistoryWriter w;
  constexpr int kCount = 200;
  std::vector<std::vector<history::Value>> txns;
  for (int i = 0; i < kCount; ++i) {
    // An earlier writer of key (i + 1) % 4, so the wr edges alone are acyclic.
    const int key = (i + 1) % 4, earlier = (i - key) / 4;
    if (earlier == 0) {
      txns.push_back({write(i % 4, i + 1)});
      continue;
    }
    const std::int64_t version = 4 * ((i * 7 + 5) % earlier) + key + 1;
    txns.push_back({write(i % 4, i + 1), read_register(key, version)});
  }
  for (int i = 0; i < kCount; ++i) w.invoke(i, txns[i]);
  for (int i = 0; i < kCount; ++i) w.ok(i, txns[i]);
  TxnCheckOptions options;
  options.model = ConsistencyModel::serializable;
  // A zero budget, not a small one: whether a millisecond is enough depends
  // on the machine's load, and this test must not.
  options.solver_budget_s = 0;
  const auto result =
      check_transactions(testing::compile(w.history(), DataModel::rw_register), options);
  EXPECT_TRUE(result.anomalies.empty())
      << explain_text(testing::compile(w.history(), DataModel::rw_register), result);
  ASSERT_TRUE(result.solver.has_value());
  EXPECT_EQ(result.solver->outcome, SolverResult::Outcome::unknown);
  EXPECT_EQ(result.verdict, Verdict::unknown);
  EXPECT_NE(result.note.find("gave up"), std::string::npos);
}

TEST(RegisterInference, LostUpdateInternalAndAbortedReads) {
  HistoryWriter w;
  w.invoke(1, {read_register(1, std::nullopt), write(1, 1)});
  w.invoke(2, {read_register(1, std::nullopt), write(1, 2)});
  w.ok(1, {read_register(1, std::nullopt), write(1, 1)});
  w.ok(2, {read_register(1, std::nullopt), write(1, 2)});
  w.txn(3, {write(2, 5), read_register(2, 6)});
  w.invoke(4, {write(3, 1)});
  w.fail(4, {write(3, 1)});
  w.txn(5, {read_register(3, 1)});
  const auto result =
      testing::check(w.history(), DataModel::rw_register, ConsistencyModel::read_committed);
  const auto types = testing::anomaly_types(result);
  for (const char* type : {"lost-update", "internal", "G1a"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), type), types.end()) << type;
  }
  EXPECT_EQ(result.verdict, Verdict::invalid);
}

TEST(RegisterInference, ReadThenWriteChainsCloseTheOrder) {
  HistoryWriter w;
  w.txn(1, {read_register(1, std::nullopt), write(1, 1)});
  w.txn(2, {read_register(1, 1), write(1, 2)});
  w.txn(3, {read_register(1, 2)});
  const auto result = testing::check(w.history(), DataModel::rw_register);
  EXPECT_TRUE(result.orders_complete);
  EXPECT_FALSE(result.solver.has_value());
  EXPECT_EQ(result.verdict, Verdict::valid);
}

TEST(RegisterInference, LinearizableKeysOrderVersionsByRealTime) {
  HistoryWriter w;
  w.txn(1, {write(1, 1)});
  w.txn(2, {write(1, 2)});
  w.txn(3, {read_register(1, 2)});
  TxnCheckOptions options;
  options.model = ConsistencyModel::serializable;
  options.use_solver = false;
  const auto txns = testing::compile(w.history(), DataModel::rw_register);
  EXPECT_EQ(check_transactions(txns, options).verdict, Verdict::unknown);
  options.inference.linearizable_keys = true;
  const auto result = check_transactions(txns, options);
  EXPECT_TRUE(result.orders_complete);
  EXPECT_EQ(result.verdict, Verdict::valid);
}

// ---- Brute force -----------------------------------------------------------

struct SmallTxn {
  std::vector<history::Value> ops;
};

// Replays `ops` of one txn against `state`; false if some read disagrees.
bool replay(const std::vector<history::Value>& ops, std::map<std::int64_t, std::int64_t> state,
            std::map<std::int64_t, std::int64_t>* writes) {
  for (const auto& op : ops) {
    const auto& parts = op.as_list();
    const std::int64_t key = parts[1].as_integer();
    if (parts[0].as_string() == "w") {
      state[key] = parts[2].as_integer();
      if (writes) (*writes)[key] = parts[2].as_integer();
      continue;
    }
    const auto it = state.find(key);
    const std::int64_t seen = parts[2].is_nil() ? kNilValue : parts[2].as_integer();
    if ((it == state.end() ? kNilValue : it->second) != seen) return false;
  }
  return true;
}

// Some order of the txns (respecting `before` when strict) replays.
bool brute_serializable(const std::vector<SmallTxn>& txns,
                        const std::vector<std::pair<int, int>>& before, bool strict) {
  std::vector<int> order(txns.size());
  std::iota(order.begin(), order.end(), 0);
  do {
    std::vector<int> rank(txns.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<int>(i);
    if (strict && std::any_of(before.begin(), before.end(),
                              [&](auto pair) { return rank[pair.first] > rank[pair.second]; })) {
      continue;
    }
    std::map<std::int64_t, std::int64_t> state;
    bool ok = true;
    for (const int t : order) {
      std::map<std::int64_t, std::int64_t> writes;
      ok = ok && replay(txns[t].ops, state, &writes);
      for (const auto& [k, v] : writes) state[k] = v;
    }
    if (ok) return true;
  } while (std::next_permutation(order.begin(), order.end()));
  return false;
}

// Some interleaving of starts (2t) and commits (2t+1) replays under snapshot
// isolation: reads see the commits before the start, writers of a key never overlap.
bool brute_snapshot(const std::vector<SmallTxn>& txns) {
  std::vector<int> events;
  for (int t = 0; t < static_cast<int>(txns.size()); ++t) {
    events.push_back(2 * t);
    events.push_back(2 * t + 1);
  }
  std::sort(events.begin(), events.end());
  do {
    std::vector<int> start(txns.size()), commit(txns.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      (events[i] % 2 ? commit : start)[events[i] / 2] = static_cast<int>(i);
    }
    if (std::any_of(txns.begin(), txns.end(), [&, t = 0](const SmallTxn&) mutable {
          const bool bad = start[t] > commit[t];
          ++t;
          return bad;
        })) {
      continue;
    }
    std::vector<std::map<std::int64_t, std::int64_t>> writes(txns.size());
    std::map<std::int64_t, std::int64_t> state;
    std::vector<std::map<std::int64_t, std::int64_t>> snapshot(txns.size());
    bool ok = true;
    for (const int event : events) {
      const int t = event / 2;
      if (event % 2 == 0) {
        snapshot[t] = state;
        ok = ok && replay(txns[t].ops, snapshot[t], &writes[t]);
      } else {
        for (const auto& [k, v] : writes[t]) state[k] = v;
      }
    }
    for (std::size_t a = 0; ok && a < txns.size(); ++a) {
      for (std::size_t b = a + 1; ok && b < txns.size(); ++b) {
        const bool overlap = start[a] < commit[b] && start[b] < commit[a];
        for (const auto& [k, v] : writes[a]) ok = ok && !(overlap && writes[b].contains(k));
      }
    }
    if (ok) return true;
  } while (std::next_permutation(events.begin(), events.end()));
  return false;
}

// Adya's definition (thesis, section 3.1.4): serializable iff no G1a/G1b
// and some version order of every key gives an acyclic serialization graph.
// Tries every permutation of every key's final writers.
class VersionOrderBruteForce {
 public:
  explicit VersionOrderBruteForce(const std::vector<SmallTxn>& txns) : txns_(txns) {}

  bool serializable() {
    if (!collect()) return false;
    for (auto& [key, writers] : writers_) std::sort(writers.begin(), writers.end());
    return search(writers_.begin());
  }

 private:
  struct ExternalRead {
    int reader;
    std::int64_t key, value;
  };

  // Internal consistency and intermediate reads settle the answer early.
  bool collect() {
    std::map<std::pair<std::int64_t, std::int64_t>, std::pair<int, bool>> written;  // -> txn, final
    for (int t = 0; t < static_cast<int>(txns_.size()); ++t) {
      std::map<std::int64_t, std::int64_t> last;
      for (const auto& op : txns_[t].ops) {
        const auto& p = op.as_list();
        if (p[0].as_string() == "w") {
          written[{p[1].as_integer(), p[2].as_integer()}] = {t, false};
          last[p[1].as_integer()] = p[2].as_integer();
        }
      }
      for (const auto& [key, value] : last) {
        written[{key, value}].second = true;
        writers_[key].push_back(t);
      }
    }
    for (int t = 0; t < static_cast<int>(txns_.size()); ++t) {
      std::map<std::int64_t, std::int64_t> seen;
      for (const auto& op : txns_[t].ops) {
        const auto& p = op.as_list();
        const std::int64_t key = p[1].as_integer();
        const std::int64_t value = p[2].is_nil() ? kNilValue : p[2].as_integer();
        if (p[0].as_string() == "w") {
          seen[key] = value;
          continue;
        }
        if (seen.contains(key)) {
          if (seen[key] != value) return false;  // internal inconsistency
          continue;
        }
        seen[key] = value;
        if (value != kNilValue) {
          const auto [writer, final] = written.at({key, value});
          if (writer == t || !final) return false;  // a future own write, or G1b
          writer_of_[{key, value}] = writer;
        }
        reads_.push_back({t, key, value});
      }
    }
    return true;
  }

  using Writers = std::map<std::int64_t, std::vector<int>>;

  bool search(Writers::iterator key) {
    if (key == writers_.end()) return acyclic();
    do {
      if (search(std::next(key))) return true;
    } while (std::next_permutation(key->second.begin(), key->second.end()));
    return false;
  }

  bool acyclic() {
    DependencyGraph graph(static_cast<std::uint32_t>(txns_.size()));
    auto add = [&](int from, int to, EdgeKind kind) {
      if (from != to)
        graph.add_dependency(
            {static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(to), 0, kind});
    };
    for (const auto& [key, order] : writers_) {
      for (std::size_t i = 0; i + 1 < order.size(); ++i) add(order[i], order[i + 1], kWw);
    }
    for (const auto& read : reads_) {
      const auto& order = writers_[read.key];
      std::size_t next = 0;  // the version after the one read
      if (read.value != kNilValue) {
        const int writer = writer_of_.at({read.key, read.value});
        add(writer, read.reader, kWr);
        next = static_cast<std::size_t>(std::find(order.begin(), order.end(), writer) -
                                        order.begin()) +
               1;
      }
      if (next < order.size()) add(read.reader, order[next], kRw);
    }
    graph.freeze();
    return strongly_connected(graph, kDependencyKinds).nontrivial.empty();
  }

  const std::vector<SmallTxn>& txns_;
  Writers writers_;
  std::map<std::pair<std::int64_t, std::int64_t>, int> writer_of_;
  std::vector<ExternalRead> reads_;
};

struct RandomCase {
  std::vector<SmallTxn> txns;
  history::History history;
  std::vector<std::pair<int, int>> before;  // real-time order
};

RandomCase random_case(std::mt19937_64& random, int txn_count) {
  RandomCase out;
  std::map<std::int64_t, std::vector<std::int64_t>> written;
  std::int64_t next_value = 1;
  for (int t = 0; t < txn_count; ++t) {
    SmallTxn txn;
    const int ops = 1 + static_cast<int>(random() % 3);
    for (int i = 0; i < ops; ++i) {
      const std::int64_t key = static_cast<std::int64_t>(random() % 2);
      if (random() % 2) {
        txn.ops.push_back(write(key, next_value));
        written[key].push_back(next_value++);
      } else {
        txn.ops.push_back(read_register(key, std::nullopt));
      }
    }
    out.txns.push_back(txn);
  }
  for (auto& txn : out.txns) {  // reads of nil or of any written value
    for (auto& op : txn.ops) {
      auto parts = op.as_list();
      if (parts[0].as_string() != "r") continue;
      const auto& values = written[parts[1].as_integer()];
      const std::size_t pick = random() % (values.size() + 1);
      if (pick < values.size()) op = read_register(parts[1].as_integer(), values[pick]);
    }
  }
  // A random interleaving of invocations and completions.
  std::vector<int> events;
  for (int t = 0; t < txn_count; ++t) events.insert(events.end(), {t, t});
  std::shuffle(events.begin(), events.end(), random);
  std::vector<int> seen(txn_count, 0), invoked_at(txn_count), done_at(txn_count);
  HistoryWriter w;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const int t = events[i];
    if (seen[t]++ == 0) {
      w.invoke(t, out.txns[t].ops);
      invoked_at[t] = static_cast<int>(i);
    } else {
      w.ok(t, out.txns[t].ops);
      done_at[t] = static_cast<int>(i);
    }
  }
  for (int a = 0; a < txn_count; ++a) {
    for (int b = 0; b < txn_count; ++b) {
      if (done_at[a] < invoked_at[b]) out.before.push_back({a, b});
    }
  }
  out.history = w.history();
  return out;
}

TEST(RegisterSolver, AgreesWithBruteForceOnSmallHistories) {
  std::mt19937_64 random(20261123);
  int decided_by_solver = 0, invalid = 0;
  for (int round = 0; round < 300; ++round) {
    const auto c = random_case(random, 3 + round % 2);
    const auto txns = testing::compile(c.history, DataModel::rw_register);
    struct Expectation {
      ConsistencyModel model;
      bool expected;
    };
    const bool serial = brute_serializable(c.txns, c.before, false);
    ASSERT_EQ(VersionOrderBruteForce(c.txns).serializable(), serial) << "round " << round;
    const Expectation expectations[] = {
        {ConsistencyModel::serializable, serial},
        {ConsistencyModel::strict_serializable, brute_serializable(c.txns, c.before, true)},
        {ConsistencyModel::snapshot_isolation, brute_snapshot(c.txns)},
    };
    for (const auto& [model, expected] : expectations) {
      TxnCheckOptions options;
      options.model = model;
      const auto result = check_transactions(txns, options);
      ASSERT_EQ(result.verdict, expected ? Verdict::valid : Verdict::invalid)
          << "round " << round << " " << model_name(model) << "\n"
          << explain_text(txns, result);
      decided_by_solver += result.solver.has_value() && !result.solver->by_replay;
      invalid += !expected;
    }
  }
  // The sample must exercise both answers and the solver path.
  EXPECT_GT(decided_by_solver, 50);
  EXPECT_GT(invalid, 100);
  EXPECT_LT(invalid, 800);
}

}  // namespace
}  // namespace simlab::txn

#include "checkers/txn/register_solver.h"

#include <fmt/format.h>
#include <z3++.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "checkers/txn/anomaly.h"
#include "checkers/txn/polygraph.h"
#include "checkers/txn/realtime_order.h"
#include "checkers/txn/register_facts.h"

namespace simlab::txn {
namespace {

class Encoder {
 public:
  // `tracked`: guard each fact with a literal, for unsat cores.
  Encoder(const TxnHistory& history, SolverModel model, bool tracked, z3::context& context,
          z3::solver& solver)
      : history_(history),
        model_(model),
        tracked_(tracked),
        context_(context),
        solver_(solver),
        facts_(gather_register_facts(history)) {
    for (std::uint32_t id = 0; id < history.txns.size(); ++id) {
      start_.push_back(context.int_const(fmt::format("s{}", id).c_str()));
      commit_.push_back(model == SolverModel::snapshot_isolation
                            ? context.int_const(fmt::format("c{}", id).c_str())
                            : start_.back());
      if (model == SolverModel::snapshot_isolation && facts_.included[id]) {
        solver.add(start_[id] < commit_[id]);
      }
    }
  }

  void encode() {
    for (const ExternalRead& read : facts_.reads) encode_read(read);
    if (model_ == SolverModel::strict_serializable) encode_realtime();
    if (model_ == SolverModel::snapshot_isolation) encode_write_conflicts();
  }

  std::vector<z3::expr>& literals() { return literals_; }
  const RegisterFacts& facts() const { return facts_; }
  const z3::expr& position(std::uint32_t txn) const { return commit_[txn]; }

  // The words and transactions behind one core literal.
  const std::pair<std::string, std::vector<std::uint32_t>>& meaning(std::size_t literal) const {
    return meanings_[literal];
  }

 private:
  z3::expr track(const std::string& fact, std::vector<std::uint32_t> txns) {
    if (!tracked_) return context_.bool_val(true);
    literals_.push_back(context_.bool_const(fmt::format("f{}", literals_.size()).c_str()));
    meanings_.emplace_back(fact, std::move(txns));
    return literals_.back();
  }

  // Commit of X relative to T's snapshot; for serializability both are p.
  void encode_read(const ExternalRead& read) {
    const std::string& key = history_.key_names[read.key];
    const auto& writers = facts_.writers[read.key];
    if (read.value == kNilValue) {
      const auto literal =
          track(fmt::format("{} read key {} = nil", txn_label(read.reader), key), {read.reader});
      for (const auto other : writers) {
        if (other != read.reader && !implied_by_realtime(read.reader, other))
          solver_.add(z3::implies(literal, start_[read.reader] < commit_[other]));
      }
      return;
    }
    auto it = facts_.writer_of.find({read.key, read.value});
    if (it == facts_.writer_of.end() || it->second == read.reader) return;  // reported by inference
    const std::uint32_t writer = it->second;
    const auto literal =
        track(fmt::format("{} read key {} = {}, written by {}", txn_label(read.reader), key,
                          read.value, txn_label(writer)),
              {read.reader, writer});
    solver_.add(z3::implies(literal, commit_[writer] < start_[read.reader]));
    for (const auto other : writers) {
      if (other == writer || other == read.reader) continue;
      if (implied_by_realtime(other, writer) || implied_by_realtime(read.reader, other)) continue;
      solver_.add(z3::implies(
          literal, commit_[other] < commit_[writer] || start_[read.reader] < commit_[other]));
    }
  }

  // Under strict serializability a disjunct that real time already forces
  // needs no constraint: this drops all but the concurrent writers.
  bool implied_by_realtime(std::uint32_t before, std::uint32_t after) const {
    return model_ == SolverModel::strict_serializable &&
           history_.txns[before].complete_position < history_.txns[after].invoke_position;
  }

  void encode_realtime() {
    std::vector<std::uint32_t> members;
    for (std::uint32_t id = 0; id < history_.txns.size(); ++id) {
      if (facts_.included[id]) members.push_back(id);
    }
    for_each_realtime_edge(history_, members, [&](std::uint32_t from, std::uint32_t to) {
      const auto literal = track(
          fmt::format("{} completed before {} began", txn_label(from), txn_label(to)), {from, to});
      solver_.add(z3::implies(literal, commit_[from] < start_[to]));
    });
  }

  void encode_write_conflicts() {
    for (const auto& [key, writers] : facts_.writers) {
      if (writers.size() < 2) continue;
      const auto literal = track(fmt::format("writers of key {} may not overlap (first committer "
                                             "wins)",
                                             history_.key_names[key]),
                                 writers);
      for (std::size_t i = 0; i < writers.size(); ++i) {
        for (std::size_t j = i + 1; j < writers.size(); ++j) {
          const auto a = writers[i], b = writers[j];
          solver_.add(z3::implies(literal, commit_[a] < start_[b] || commit_[b] < start_[a]));
        }
      }
    }
  }

  const TxnHistory& history_;
  SolverModel model_;
  bool tracked_;
  z3::context& context_;
  z3::solver& solver_;
  RegisterFacts facts_;
  std::vector<z3::expr> start_, commit_;
  std::vector<z3::expr> literals_;
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> meanings_;
};

void explain_core(const z3::expr_vector& core, Encoder& encoder, SolverResult& result) {
  std::set<std::uint32_t> txns;
  for (unsigned i = 0; i < core.size(); ++i) {
    const std::string name = core[i].decl().name().str();  // "f<literal>"
    const auto& [fact, involved] = encoder.meaning(std::stoul(name.substr(1)));
    result.core_facts.push_back(fact);
    txns.insert(involved.begin(), involved.end());
  }
  result.core_txns.assign(txns.begin(), txns.end());
}

void read_witness(const z3::model& model, Encoder& encoder, std::size_t txn_count,
                  SolverResult& result) {
  std::vector<std::pair<std::int64_t, std::uint32_t>> ranked;
  for (std::uint32_t id = 0; id < txn_count; ++id) {
    if (!encoder.facts().included[id]) continue;
    ranked.push_back({model.eval(encoder.position(id), true).get_numeral_int64(), id});
  }
  std::sort(ranked.begin(), ranked.end());
  for (const auto& [position, id] : ranked) result.serial_order.push_back(id);
}

// Whether running the included transactions one at a time in completion
// order (those without a completion last) reproduces every read. Such an
// order is a witness for all three models at once: it respects real time,
// and a serial execution is also a snapshot-isolated one.
bool completion_order_replays(const TxnHistory& history, SolverResult& result) {
  const RegisterFacts facts = gather_register_facts(history);
  std::vector<std::uint32_t> order;
  for (std::uint32_t id = 0; id < history.txns.size(); ++id) {
    if (facts.included[id]) order.push_back(id);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return history.txns[a].complete_position < history.txns[b].complete_position;
  });
  std::unordered_map<std::uint32_t, std::int64_t> state;
  for (const std::uint32_t id : order) {
    std::unordered_map<std::uint32_t, std::int64_t> own;
    for (const MicroOp& op : history.ops_of(id)) {
      if (op.kind == MicroOpKind::write) {
        own[op.key] = op.value;
        continue;
      }
      if (!op.result_known) continue;
      auto mine = own.find(op.key);
      auto shared = state.find(op.key);
      const std::int64_t expected = mine != own.end()       ? mine->second
                                    : shared != state.end() ? shared->second
                                                            : kNilValue;
      if (op.value != expected) return false;
    }
    for (const auto& [key, value] : own) state[key] = value;
  }
  result.serial_order = std::move(order);
  return true;
}

constexpr std::uint32_t kNoNode = ~std::uint32_t{0};

// The serializability polygraph of the facts (Papadimitriou; Cobra): a read
// of k = v by T from W gives W -> T, and for every other writer X of k the
// choice X -> W or T -> X; a read of nil gives T -> X for every writer X.
// Strict serializability adds the (reduced) real-time edges.
Polygraph polygraph_of(const TxnHistory& history, const RegisterFacts& facts, bool strict,
                       std::vector<std::uint32_t>& txn_of_node) {
  std::vector<std::uint32_t> node_of(history.txns.size(), kNoNode);
  for (std::uint32_t id = 0; id < history.txns.size(); ++id) {
    if (!facts.included[id]) continue;
    node_of[id] = static_cast<std::uint32_t>(txn_of_node.size());
    txn_of_node.push_back(id);
  }
  Polygraph graph;
  graph.node_count = static_cast<std::uint32_t>(txn_of_node.size());
  for (const ExternalRead& read : facts.reads) {
    const auto writers = facts.writers.find(read.key);
    if (writers == facts.writers.end()) continue;
    const std::uint32_t reader = node_of[read.reader];
    if (read.value == kNilValue) {
      for (const auto other : writers->second) {
        if (other != read.reader) graph.known.push_back({reader, node_of[other]});
      }
      continue;
    }
    const auto found = facts.writer_of.find({read.key, read.value});
    if (found == facts.writer_of.end() || found->second == read.reader)
      continue;  // inference reports it
    const std::uint32_t writer = node_of[found->second];
    graph.known.push_back({writer, reader});
    for (const auto other : writers->second) {
      if (other == found->second || other == read.reader) continue;
      graph.choices.push_back({{node_of[other], writer}, {reader, node_of[other]}});
    }
  }
  if (strict) {
    for_each_realtime_edge(history, txn_of_node, [&](std::uint32_t from, std::uint32_t to) {
      graph.known.push_back({node_of[from], node_of[to]});
    });
  }
  return graph;
}

// Interrupts a Z3 context once the budget is spent: the timeout parameter
// alone is not honoured in every phase of the solver.
class Watchdog {
 public:
  Watchdog(z3::context& context, double budget_s)
      : thread_([this, &context, budget_s] {
          std::unique_lock lock(mutex_);
          const auto deadline =
              std::chrono::steady_clock::now() + std::chrono::duration<double>(budget_s);
          if (!done_.wait_until(lock, deadline, [this] { return finished_; })) context.interrupt();
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    done_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
  std::thread thread_;
};

// Serializable or strict serializable: prune the polygraph, then hand Z3
// only the choices pruning left open, over the transactions they touch.
z3::check_result run_pruned(const TxnHistory& history, bool strict, double budget_s,
                            SolverResult& result) {
  std::vector<std::uint32_t> txn_of_node;
  const RegisterFacts facts = gather_register_facts(history);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(budget_s));
  const PruneResult pruned =
      prune_polygraph(polygraph_of(history, facts, strict, txn_of_node), deadline);
  const Polygraph& graph = pruned.compact;
  result.constraints = graph.known.size() + graph.choices.size();
  if (pruned.timed_out) {
    result.reason = "the time budget ran out while pruning the polygraph";
    return z3::unknown;
  }
  if (pruned.cyclic) return z3::unsat;
  budget_s = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
  if (budget_s <= 0) {
    result.reason = "the time budget ran out while pruning the polygraph";
    return z3::unknown;
  }
  z3::context context;
  z3::solver solver(context, "QF_IDL");
  z3::params params(context);
  params.set("timeout", static_cast<unsigned>(std::max(1.0, budget_s * 1000.0)));
  solver.set(params);
  std::vector<z3::expr> position;
  for (std::uint32_t node = 0; node < graph.node_count; ++node) {
    position.push_back(context.int_const(fmt::format("p{}", node).c_str()));
  }
  for (const auto& e : graph.known) solver.add(position[e.from] < position[e.to]);
  for (const auto& c : graph.choices) {
    solver.add(position[c.first.from] < position[c.first.to] ||
               position[c.second.from] < position[c.second.to]);
  }
  z3::check_result outcome;
  {
    Watchdog watchdog(context, budget_s);
    outcome = solver.check();
  }
  if (outcome == z3::unknown) result.reason = solver.reason_unknown();
  if (outcome != z3::sat) return outcome;
  // The witness: every known edge plus the chosen side of each choice.
  const z3::model model = solver.get_model();
  std::vector<PolygraphEdge> edges = pruned.remaining.known;
  const auto& nodes = pruned.compact_nodes;
  for (const auto& c : graph.choices) {
    const bool first = model.eval(position[c.first.from] < position[c.first.to], true).is_true();
    const PolygraphEdge chosen = first ? c.first : c.second;
    edges.push_back({nodes[chosen.from], nodes[chosen.to]});
  }
  for (const auto node : topological_order(pruned.remaining.node_count, edges)) {
    result.serial_order.push_back(txn_of_node[node]);
  }
  return outcome;
}

// One solver run; `tracked` guards every fact with a literal so an unsat
// answer comes with a core (assumptions slow the search, so the first run
// goes without).
z3::check_result run_solver(const TxnHistory& history, SolverModel model, bool tracked,
                            double budget_s, SolverResult& result) {
  z3::context context;
  z3::solver solver(context, "QF_IDL");
  z3::params params(context);
  params.set("timeout", static_cast<unsigned>(std::max(1.0, budget_s * 1000.0)));
  if (tracked) params.set("core.minimize", true);
  solver.set(params);
  Encoder encoder(history, model, tracked, context, solver);
  encoder.encode();
  z3::expr_vector assumptions(context);
  for (const auto& literal : encoder.literals()) assumptions.push_back(literal);
  result.constraints = solver.assertions().size();
  z3::check_result outcome;
  {
    Watchdog watchdog(context, budget_s);
    outcome = tracked ? solver.check(assumptions) : solver.check();
  }
  if (outcome == z3::sat) read_witness(solver.get_model(), encoder, history.txns.size(), result);
  if (outcome == z3::unsat && tracked) explain_core(solver.unsat_core(), encoder, result);
  if (outcome == z3::unknown) result.reason = solver.reason_unknown();
  return outcome;
}

}  // namespace

SolverResult solve_register_order(const TxnHistory& history, SolverModel model, double budget_s) {
  assert(history.model == DataModel::rw_register);
  const auto began = std::chrono::steady_clock::now();
  auto elapsed_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  };
  SolverResult result;
  if (completion_order_replays(history, result)) {
    result.outcome = SolverResult::Outcome::satisfiable;
    result.by_replay = true;
    result.elapsed_s = elapsed_s();
    return result;
  }
  // Strict serializability implies both serializability and snapshot
  // isolation, and real-time order pins most positions down, so histories
  // from real databases usually pass this quick check; only if it fails do
  // we search the full space of orders.
  if (model != SolverModel::strict_serializable &&
      run_pruned(history, true, budget_s / 4, result) == z3::sat) {
    result.outcome = SolverResult::Outcome::satisfiable;
    result.elapsed_s = elapsed_s();
    return result;
  }
  result = SolverResult{};
  z3::check_result outcome = z3::unknown;
  result.reason = "the time budget ran out before the full search began";
  if (const double left_s = budget_s - elapsed_s(); left_s > 0) {
    result.reason.clear();
    outcome = model == SolverModel::snapshot_isolation
                  ? run_solver(history, model, false, left_s, result)
                  : run_pruned(history, model == SolverModel::strict_serializable, left_s, result);
  }
  if (outcome == z3::unsat) {
    const double left_s = budget_s - elapsed_s();
    // Out of time for the core: the verdict stands, the core stays empty.
    if (left_s > 0) run_solver(history, model, true, left_s, result);
  }
  result.outcome = outcome == z3::sat     ? SolverResult::Outcome::satisfiable
                   : outcome == z3::unsat ? SolverResult::Outcome::unsatisfiable
                                          : SolverResult::Outcome::unknown;
  result.elapsed_s = elapsed_s();
  return result;
}

}  // namespace simlab::txn

#include "checkers/queue/queue_cycles.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "checkers/txn/cycle_search.h"
#include "checkers/txn/dependency_graph.h"

namespace simlab::queue {
namespace {

constexpr std::uint32_t kNoTxn = ~std::uint32_t{0};

// The transactions (ok txn ops) and where each wrote what. Only a txn op
// can both poll and send, so only txn ops can lie on a wr cycle; and only
// their writes are ordered here, for the count of ww cycles.
struct TxnView {
  std::vector<std::size_t> ops;                  // txn -> index in history.ops
  std::map<Atom, std::uint32_t> key_ids;         // key -> small id
  std::vector<Atom> keys;                        // id -> key
  std::map<std::pair<std::uint32_t, Atom>, std::uint32_t> writer;  // (key, value) -> txn
  // key -> offset -> the txn that sent the record there
  std::map<std::uint32_t, std::map<std::int64_t, std::uint32_t>> log;
};

std::uint32_t key_id(TxnView& view, Atom key) {
  const auto [it, fresh] =
      view.key_ids.try_emplace(key, static_cast<std::uint32_t>(view.keys.size()));
  if (fresh) view.keys.push_back(key);
  return it->second;
}

TxnView view_of(const QueueHistory& history) {
  TxnView view;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    const QueueOp& op = history.ops[i];
    if (op.status != OpStatus::ok || op.f != QueueF::txn) continue;
    const auto txn = static_cast<std::uint32_t>(view.ops.size());
    view.ops.push_back(i);
    for (const Send& send : op.sends) {
      const std::uint32_t key = key_id(view, send.key);
      view.writer.try_emplace({key, send.value}, txn);
      if (send.offset) view.log[key].try_emplace(*send.offset, txn);
    }
  }
  return view;
}

std::uint32_t writer_of(const TxnView& view, std::uint32_t key, Atom value) {
  const auto it = view.writer.find({key, value});
  return it == view.writer.end() ? kNoTxn : it->second;
}

txn::DependencyGraph wr_graph(const QueueHistory& history, TxnView& view) {
  txn::DependencyGraph graph(static_cast<std::uint32_t>(view.ops.size()));
  for (std::uint32_t reader = 0; reader < view.ops.size(); ++reader) {
    for (const Poll& poll : history.ops[view.ops[reader]].polls) {
      const std::uint32_t key = key_id(view, poll.key);
      for (const Record& record : poll.records) {
        const std::uint32_t writer = writer_of(view, key, record.value);
        if (writer == kNoTxn || writer == reader) continue;
        // The edge's values carry the offset read.
        graph.add_dependency({writer, reader, key, txn::kWr, record.offset, record.offset});
      }
    }
  }
  graph.freeze();
  return graph;
}

txn::DependencyGraph ww_graph(const TxnView& view) {
  txn::DependencyGraph graph(static_cast<std::uint32_t>(view.ops.size()));
  for (const auto& [key, offsets] : view.log) {
    std::uint32_t previous = kNoTxn;
    std::int64_t previous_offset = -1;
    for (const auto& [offset, writer] : offsets) {
      if (previous != kNoTxn && writer != previous)
        graph.add_dependency({previous, writer, key, txn::kWw, previous_offset, offset});
      previous = writer;
      previous_offset = offset;
    }
  }
  graph.freeze();
  return graph;
}

Anomaly g1c_anomaly(const QueueHistory& history, const TxnView& view,
                    const txn::DependencyGraph& graph, const txn::Anomaly& cycle) {
  Anomaly anomaly;
  anomaly.name = "G1c";
  std::string chain;
  for (std::size_t i = 0; i < cycle.txns.size(); ++i) {
    const txn::DependencyEdge& edge = graph.dependency(cycle.slots[i]);
    const QueueOp& from = history.ops[view.ops[cycle.txns[i]]];
    const QueueOp& to = history.ops[view.ops[graph.target(cycle.slots[i])]];
    if (anomaly.key.empty()) anomaly.key = history.text(view.keys[edge.key]);
    anomaly.ops.push_back(from.invoke_index);
    anomaly.offsets.push_back(edge.value_to);
    chain += fmt::format("{}op {} wrote key {} offset {}, which op {} read", i == 0 ? "" : "; ",
                         from.invoke_index, history.text(view.keys[edge.key]), edge.value_to,
                         to.invoke_index);
  }
  anomaly.detail = fmt::format("circular information flow: {}", chain);
  return anomaly;
}

}  // namespace

TxnCycles find_txn_cycles(const QueueHistory& history) {
  TxnCycles found;
  TxnView view = view_of(history);
  if (view.ops.size() < 2) return found;
  const txn::DependencyGraph reads = wr_graph(history, view);
  for (const txn::Anomaly& cycle : txn::find_cycle_anomalies(reads, {}).cycles) {
    if (cycle.type == "G1c") found.g1c.push_back(g1c_anomaly(history, view, reads, cycle));
  }
  const txn::DependencyGraph writes = ww_graph(view);
  for (const txn::Anomaly& cycle : txn::find_cycle_anomalies(writes, {}).cycles) {
    if (cycle.type == "G0") ++found.write_cycles;
  }
  return found;
}

}  // namespace simlab::queue

#include "checkers/txn/register_facts.h"

#include <set>

#include "checkers/txn/realtime_order.h"

namespace simlab::txn {

RegisterFacts gather_register_facts(const TxnHistory& history) {
  RegisterFacts facts;
  facts.included.assign(history.txns.size(), false);
  std::map<std::pair<std::uint32_t, std::int64_t>, std::uint32_t> candidates;
  for (std::uint32_t id = 0; id < history.txns.size(); ++id) {
    const Txn& txn = history.txns[id];
    if (!may_have_committed(txn)) continue;
    std::map<std::uint32_t, std::int64_t> final_write;
    std::set<std::uint32_t> touched;
    for (const MicroOp& op : history.ops_of(id)) {
      if (op.kind == MicroOpKind::write) final_write[op.key] = op.value;
      if (op.kind == MicroOpKind::read && op.result_known && !touched.contains(op.key)) {
        facts.reads.push_back({id, op.key, op.value});
      }
      touched.insert(op.key);
    }
    for (const auto& [key, value] : final_write) candidates.try_emplace({key, value}, id);
    facts.included[id] = txn.status == TxnStatus::committed;
  }
  for (const auto& read : facts.reads) {
    auto it = candidates.find({read.key, read.value});
    if (it != candidates.end()) facts.included[it->second] = true;
  }
  for (const auto& [version, txn] : candidates) {
    if (!facts.included[txn]) continue;
    facts.writers[version.first].push_back(txn);
    facts.writer_of[version] = txn;
  }
  return facts;
}

}  // namespace simlab::txn

// One fault with every parameter fixed: when it starts, how long it holds,
// and exactly what it does. The nemesis draws these from a fault mix (rate
// mode) or reads them from a scenario's timeline (script mode); every fault a
// run injects is recorded in this form, so a failing run's faults can be
// replayed as a script and shrunk one fault at a time.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "faults/fault_mix.h"
#include "systems/common/types.h"

namespace simlab::faults {

struct ScriptedFault {
  std::int64_t at_ns = 0;
  std::int64_t duration_ns = 0;  // until it heals (crash: until the restart)
  FaultKind kind = FaultKind::partition;

  // partition: the blocked directed links and the shape's name; clog: one link
  std::vector<std::pair<NodeId, NodeId>> links;
  std::string shape;
  // crash, pause, clock, disk, membership: the node
  NodeId node = 0;
  // crash: "" (a seeded choice of unsynced writes survives) | lose-unsynced;
  // clock: jump | drift | strobe; disk: flip | stall;
  // membership: remove (re-added on heal) | add | transfer (leadership to node)
  std::string mode;
  // crash, clock, membership remove: the same fault on these nodes too, at
  // the same instant (a crash of a majority or of every node loses each
  // one's unsynced writes at once, as Jepsen's LazyFS nemesis does). Clock faults hit a random
  // subset of nodes, as Jepsen's clock nemesis does; a second removal races the first, as two
  // operators would (a correct system refuses it while the first is uncommitted).
  std::vector<NodeId> more_nodes;
  // `node` and then `more_nodes`.
  std::vector<NodeId> targets() const;
  std::int64_t amount = 0;     // clock: jump delta ns, drift ppm, or strobe delta ns
  std::int64_t period_ns = 0;  // clock strobe
  // packet
  double loss = 0, duplicate = 0, reorder = 0, corrupt = 0;
  double latency_shape = 0;  // Pareto alpha of the long-tailed latency (0: default latency)
  // disk
  std::string file;  // flip
  double read_error = 0, write_error = 0;  // eio
  // What a targeted fault aimed at ("leader", "longest-log", "client-node",
  // "majority", "all"), for a person: the nodes above are what it did.
  std::string target;

  // Nodes the fault touches, for timelines and for dropping faults on nodes
  // a smaller cluster no longer has.
  std::vector<NodeId> nodes() const;
  std::string describe() const;

 private:
  std::string describe_action() const;
};

nlohmann::json scripted_fault_to_json(const ScriptedFault& fault);
// Throws json_fields::FieldError (FIELD: what was expected) on bad input;
// `path` prefixes the field names (e.g. "timeline[3]").
ScriptedFault scripted_fault_from_json(const nlohmann::json& json, const std::string& path);

}  // namespace simlab::faults

// What a nemesis acts through: the simulator (sim_nemesis_host.h) or a
// cluster of real processes (real/). The nemesis decides which fault, when
// and on whom, the same way for both; the host makes it so and says what
// happened. The nemesis runs in fibers of the host's loop.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "faults/scripted_fault.h"
#include "systems/common/types.h"

namespace simlab::faults {

class NemesisHost {
 public:
  virtual ~NemesisHost() = default;

  // The loop's time and processes.
  virtual std::int64_t now_ns() const = 0;
  virtual void sleep_for(std::int64_t duration_ns) = 0;  // only from a fiber
  virtual void spawn(std::string name, std::function<void()> body) = 0;
  virtual void at(std::int64_t time_ns, std::function<void()> action) = 0;
  // A line for the run's event log.
  virtual void log(const std::string& line) = 0;

  // The cluster: node ids run from 1 to node_count().
  virtual std::uint32_t node_count() const = 0;
  bool is_node(NodeId node) const {
    return node >= kFirstNodeId && node - kFirstNodeId < node_count();
  }
  // The node whose reply most recently reached a client (kNoNode before any).
  virtual NodeId last_client_node() const = 0;
  // The node's files, for a bit flip to choose from.
  virtual std::vector<std::string> disk_files(NodeId node) = 0;

  // Puts a fault in force (fault `index` of the run: a seed for what it
  // draws, such as the flipped bit). Returns what happened beyond the
  // fault's own description, for the record (" (3 of 5 unsynced writes
  // lost)", " (not applied: the kernel has no netem)"), or "".
  // Membership faults are the nemesis's own (through the system's
  // protocol), never the host's.
  virtual std::string apply(const ScriptedFault& fault, std::size_t index) = 0;
  // Ends exactly what the fault did.
  virtual void heal(const ScriptedFault& fault) = 0;
  // The end of the safety phase: every link, disk and clock healed, every
  // node up and running.
  virtual void heal_everything() = 0;
};

}  // namespace simlab::faults

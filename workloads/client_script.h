// A client's operations written down: what each op does (its function, key
// and value, exactly as the history recorded its invocation) and when it is
// invoked. Shrinking turns a failing run's
// generated workload into scripts, one per client, so that delta debugging
// can remove clients, ops and keys (Zeller and Hildebrandt, TSE 2002) and
// move the remaining ops earlier; a workload runs a script instead of its
// generator when the scenario carries one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkers/history/op.h"
#include "workloads/client_env.h"

namespace simlab {

struct ScriptedOp {
  // When the op is invoked, in the test's time: the client waits until then,
  // or invokes it as soon as its previous op completes if that is later.
  // Absolute rather than a think time, so that removing an op leaves the
  // others where they were against the faults' times.
  std::int64_t at_ns = 0;
  std::string f;
  std::optional<history::Value> key;
  history::Value value;  // the invocation's value
  // A final read's replica and mark, as the history recorded them (a
  // scripted final reader reads where the one it was taken from did, so a
  // replica that had not converged is read again). "" and false for a
  // client's own ops, whose workload picks the node; a workload that
  // always picks its node itself (a leader-based one) leaves node unused.
  std::string node = {};
  bool final_read = false;
  // The op ended in its client's crash (its completion's error "crashed"):
  // a workload that crashes clients at random crashes this op again and no
  // other, so the crash is part of the script, not of a random draw that
  // removing or moving an op would change.
  bool crash = false;
  bool operator==(const ScriptedOp&) const = default;
};

using ClientScript = std::vector<ScriptedOp>;

inline constexpr const char* kCrashed = "crashed";  // Op::error of a client's crash

// Each client's ops in the order it invoked them. A client is a process id
// modulo `clients` (a process that retires after an unknown outcome comes
// back as process + clients); processes at or above `process_limit` (final
// readers) are not clients. Client i's script is element i.
std::vector<ClientScript> client_scripts(const history::History& history, std::uint32_t clients,
                                         std::int64_t process_limit);

// Waits for `op`'s time. `think_due` says the generator would have slept a
// think time here (after an op whose outcome was known): then the client
// yields even when the op is due now, as a drawn think time of 0 does, so
// a whole script replays the run it was taken from event for event.
void wait_for_scripted_op(ClientEnv& env, const ScriptedOp& op, bool think_due);

std::size_t scripted_op_count(const std::vector<ClientScript>& scripts);

}  // namespace simlab

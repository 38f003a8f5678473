// Clients of the CRDT store (systems/crdt). Each client's process sticks to
// one replica, as a client of a regional replica does, so its own writes
// are in its reads' causal past; after an unknown outcome, or after a
// session of 16 to 64 ops, the process retires and its successor asks the
// next replica (so clients also come back to a replica they all left while
// it was down). Four workloads:
//   set      Jepsen's set-full: adds of values unique per run to a few keys
//            and reads of a key's whole set, judged by --model set-full;
//            besides, a process removes some of the elements it added and
//            adds them again (each element's ops by one process), which
//            set-full judges by the element's last op
//   counter  Maelstrom's pn-counter: adds of deltas from -3 to 5 and reads,
//            judged by --model pn-counter
//   register LWW registers: writes of values unique per run and reads, half
//            each, to a few keys, judged by --model session (read your
//            writes, monotonic reads and writes: a client's session is its
//            replica; a retired process starts a new one)
//   mv-register  multi-value registers: the same writes and reads, each
//            read returning the list of siblings, judged by --model
//            session too (a write replaces the siblings its replica
//            showed, so a sibling its writer wrote or read there before
//            it must be gone)
// A replica still recovering answers not-ready: nothing happened, so the op
// fails. Final reads: once healed and the writes in flight have had their
// op timeout twice over to finish, each final reader polls its share of the
// keys on every replica until all replicas return the same value (each poll
// an ordinary read) or converge_polls_max polls, then reads each replica
// once more, marked final.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "workloads/client_env.h"
#include "workloads/client_script.h"
#include "workloads/history_recorder.h"

namespace simlab {

enum class CrdtWorkloadKind : std::uint8_t { set, counter, lww_register, mv_register };

inline constexpr std::string_view kCrdtSetWorkload = "set";
inline constexpr std::string_view kCrdtCounterWorkload = "counter";
inline constexpr std::string_view kCrdtRegisterWorkload = "register";
inline constexpr std::string_view kCrdtMvRegisterWorkload = "mv-register";

struct CrdtWorkloadOptions {
  CrdtWorkloadKind kind = CrdtWorkloadKind::set;
  std::int64_t op_timeout_ns = 500 * kNanosecondsPerMillisecond;
  std::int64_t think_ns_max = 20 * kNanosecondsPerMillisecond;
  std::int64_t process_stride = 1;  // added to the process id after an `info`
  std::int64_t keys = 8;            // at a time
  // Sets only: every key_period_ns the adds move on to `keys` fresh keys
  // (Jepsen's set-full runs over independent keys the same way), so no set,
  // and no read of it, grows without bound; reads go to the current keys
  // half the time and to any earlier key otherwise, and one add in eight
  // goes to any earlier key too. Counters keep their keys.
  std::int64_t key_period_ns = 1 * kNanosecondsPerSecond;
  bool op_streams = false;  // scripted: each op draws from its own stream
  // From this test time on (the heal), clients only read, so the replicas
  // can settle before the final reads, as Jepsen's final generator runs
  // after the main phase.
  std::int64_t writes_end_ns = std::numeric_limits<std::int64_t>::max();
  // Final reads: how long to wait between polls of replicas that differ,
  // and how many polls before reading them once more as final anyway (a
  // replica that never converges then shows in the final reads).
  std::int64_t poll_interval_ns = 100 * kNanosecondsPerMillisecond;
  int converge_polls_max = 40;
};

// Runs until env.stopping() (or, with a script, until its ops are done). A
// scripted op that is not an add, remove or read of this workload throws
// std::invalid_argument, as does one naming a node the run lacks; a
// scripted op that names a node goes to it (a final reader's read, with
// its final mark), and a scripted write due at or after writes_end_ns is
// skipped, as a drawn one would be.
void run_crdt_client(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                     const CrdtWorkloadOptions& options, const ClientScript* script = nullptr);

// Final reader `slot` of `readers`: keys k with k % readers == slot, of
// every key the run wrote to.
void run_crdt_final_reads(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                          std::int64_t slot, std::int64_t readers,
                          const CrdtWorkloadOptions& options);

}  // namespace simlab

// Clients of the demonstration register (systems/register): reads, writes
// and compare-and-sets of one register with values unique per run, recorded
// as a history for the cas-register model. A client that times out records
// `info` and hands its next op to a fresh process id, as Jepsen does.
#pragma once

#include <cstdint>

#include "workloads/client_env.h"
#include "workloads/client_script.h"
#include "workloads/history_recorder.h"

namespace simlab {

struct RegisterWorkloadOptions {
  std::int64_t op_timeout_ns = 500 * kNanosecondsPerMillisecond;
  std::int64_t think_ns_max = 20 * kNanosecondsPerMillisecond;
  std::int64_t process_stride = 1;  // added to the process id after an `info`
  // Scripted: each op draws from its own stream (workloads/op_stream_env.h).
  bool op_streams = false;
};

// Runs until env.stopping() (or, with a script, until its ops are done);
// `process` is this client's first process id. A scripted op that is not a
// register op throws std::invalid_argument.
void run_register_client(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                         const RegisterWorkloadOptions& options,
                         const ClientScript* script = nullptr);

// The final read: once healed, read the register until a read succeeds (an
// unknown outcome retires the process, which advances by the stride) or the
// run stops.
void run_register_final_read(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                             const RegisterWorkloadOptions& options);

}  // namespace simlab

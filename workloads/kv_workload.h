// The KV workload: reads, writes, compare-and-sets and appends over a set of
// keys, recorded for the "kv" linearizability model. Even keys hold integer
// registers (read/write/cas), odd keys hold strings (read/append). Every
// written value is unique within the run, so a read names the write it saw.
// An operation with an unknown outcome completes as `info` and its process
// retires; the client continues as a fresh process (and a fresh session).
#pragma once

#include <cstdint>

#include "workloads/client_env.h"
#include "workloads/client_script.h"
#include "workloads/history_recorder.h"
#include "workloads/kv_client.h"

namespace simlab {

struct KvWorkloadOptions {
  KvClientOptions client;
  std::int64_t think_ns_max = 20 * kNanosecondsPerMillisecond;
  std::int64_t process_stride = 1;  // added to the process id after an `info`
  std::uint64_t key_count = 8;
  // Keys rotate, like Jepsen's max-writes-per-key: every key_epoch_ns of
  // the client's clock, all clients move on to a fresh set of key_count
  // keys. Without it an appended string grows for the whole run and is
  // copied whole into every read, reply, snapshot and checker step.
  std::int64_t key_epoch_ns = 1000 * kNanosecondsPerMillisecond;
  // Op mix, out of 100: the rest are writes (register keys) or appends.
  std::uint64_t read_percent = 50;
  // Every reader_every-th client only reads (0: none), as read-heavy
  // clients do: a reader never waits on a write, so it keeps asking a
  // leader that is cut off for as long as that leader answers.
  std::int64_t reader_every = 4;
  std::uint64_t cas_percent = 15;
  // Reads out of 100 that look at a key of an earlier epoch (up to
  // past_epochs back): a write lost after its keys rotated out is still seen.
  std::uint64_t past_read_percent = 20;
  std::uint64_t past_epochs = 4;
  // Scripted: each op draws from its own stream (workloads/op_stream_env.h)
  // instead of the client's, so removing one op leaves the others' draws.
  bool op_streams = false;
};

inline constexpr std::string_view kKvWorkloadName = "kv";
inline constexpr std::string_view kKvModelName = "kv";

// Runs until env.stopping() (or, with a script, until the script's ops are
// done); `process` is this client's first process id (>= 0). Client session
// ids are process + 1. A scripted op that is not a kv op throws
// std::invalid_argument.
void run_kv_client(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                   const KvWorkloadOptions& options, const ClientScript* script = nullptr);

// Jepsen's final reads: once the cluster has healed, read every key the
// history has touched so far, so that a write lost while its key was idle
// still shows. Reader `slot` of `readers` takes every readers-th key; a
// read whose outcome is unknown is retried (as a fresh process, `process`
// advancing by the stride) until it succeeds or the run stops.
void run_kv_final_reads(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        std::int64_t slot, std::int64_t readers, const KvClientOptions& options);

}  // namespace simlab

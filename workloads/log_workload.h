// The commit log's workload: Jepsen's kafka queue workload
// (jepsen.tests.kafka), recorded for the "queue" checker (checkers/queue).
// Client slot s (process % stride) is a producer when s % 3 == 0, a
// consumer when s % 3 == 1, and mixes sends and polls (drawn per op) when
// s % 3 == 2. Ops, with the partition as the op's key:
//   send    invoke [["send", k, v] ...]; ok [["send", k, [offset, v]] ...]:
//           1 to send_values_max values to one partition, all in flight at
//           once (a producer's pipeline of up to 3 batches of up to
//           client.batch_records_max values). Values are unique in the run. A
//           send whose values were not all appended, or may have been,
//           completes `info` (with the offsets of those acknowledged) and
//           retires the process (it comes back as process + stride, a new
//           producer); one whose values definitely were not completes
//           `fail`.
//   txn     a transactional producer's (half the producer processes):
//           invoke [["send", k, v] ...], 1 to txn_sends_max values to any
//           partitions, each partition added to the transaction before its
//           first send; then a commit, or an abort when the transaction is
//           meant to (txn_abort_percent, decided by its first value) or a
//           send failed. ok [["send", k, [offset, v]] ...] once committed;
//           fail when it aborted or never asked to commit (the client may
//           crash mid-transaction, crash_percent per send, and retire: its
//           coordinator times the transaction out); info when the commit's
//           outcome is unknown (the process retires). Consumers read
//           committed: nothing of an open or aborted transaction. With
//           txn_poll_percent above 0 the process first subscribes to the
//           consumer group, and that share of its transactions polls one
//           of its partitions first (consume-transform-produce): the
//           completion starts with ["poll", [[k, records]]] (in an info
//           completion too), and the position past them is committed for
//           the group inside the transaction (TxnOffsetCommit), so it moves
//           only if the transaction commits; a commit the group fences (the
//           partition moved) aborts the transaction. A partition whose
//           offset another member's open transaction holds is not read
//           until that transaction ends (KIP-447's requireStable).
//   assign  value [k ...]: a consumer's (or a mixed client's) random nonempty
//           set of partitions, once per process, before its first poll;
//           its positions start at offset 0.
//   subscribe  value [k ...] (every partition): instead of assign, a
//           consumer process may join the run's consumer group; the
//           group's coordinator then assigns it partitions, and moves them
//           between members as members join and are lost.
//   poll    invoke [["poll"]]; ok [["poll", [[k, [[offset, v] ...]]]]]: one
//           fetch of one assigned partition at the process's position,
//           which then moves past what it read. A poll that got no answer
//           completes `fail`: reading changes nothing. A group member's
//           poll has no key: it heartbeats when one is due, takes the
//           partitions its coordinator gives it (a new one from the group's
//           committed offset), polls one of them, and only then, once the
//           poll's values are handled (its completion recorded), commits
//           the position past them: at-least-once delivery to the group.
//           A poll may crash its client after the fetch, before the values
//           are handled (Jepsen's client crashes): it completes `info` and
//           the process retires, leaving the group to notice it is gone.
//   final-poll  the final drain (after the heal), the same shape as poll:
//           one op reads one partition from offset 0 to its end.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "workloads/client_env.h"
#include "workloads/client_script.h"
#include "workloads/history_recorder.h"
#include "workloads/log_client.h"

namespace simlab {

enum class LogRole : std::uint8_t { producer, consumer, mixed };

struct LogWorkloadOptions {
  LogClientOptions client;
  // Client slot s plays roles[s % roles.size()]: by default a third each of
  // producers, consumers and clients that mix sends and polls.
  std::vector<LogRole> roles = {LogRole::producer, LogRole::consumer, LogRole::mixed};
  std::int64_t think_ns_max = 20 * kNanosecondsPerMillisecond;
  std::int64_t process_stride = 1;  // added to the process id after an `info`
  std::uint32_t partitions = 3;     // the log's, from the scenario's system_options
  std::uint64_t send_percent = 50;  // a mixed client's sends, out of 100
  // Values per send op, from 1 to kSendPipelineMax * client.batch_records_max.
  std::uint64_t send_values_max = kSendPipelineMax;
  std::uint64_t txn_percent = 50;        // of producer processes: they send in transactions
  std::uint64_t txn_sends_max = 3;       // values per transaction, from 1, to any partitions
  std::uint64_t txn_abort_percent = 25;  // of transactions: meant to abort
  // Of transactions: they poll first (consume-transform-produce): one
  // partition, read_committed, from the process's own position, which moves
  // past what it read only when the transaction commits. Both are functions
  // of the transaction's first value, so a script of it replays them.
  std::uint64_t txn_poll_percent = 50;
  std::uint32_t poll_records_max = 16;
  std::uint32_t drain_records_max = 64;
  // A drain that has caught up with a leader's high watermark still below
  // an offset some send was acknowledged at (a new leader's watermark may
  // lag the old one's) keeps fetching for this long without progress
  // before it takes the watermark as the end.
  std::int64_t drain_settle_ns = 2000 * kNanosecondsPerMillisecond;
  std::uint64_t subscribe_percent = 50;  // of consumer processes: the others assign
  std::uint64_t crash_percent = 2;       // of polls: the client crashes after the fetch
  std::int64_t group_heartbeat_ns = 200 * kNanosecondsPerMillisecond;
  std::int64_t group_call_timeout_ns = 500 * kNanosecondsPerMillisecond;
  // The planted log.commit-before-process: a group member commits the
  // position past a poll's values before it handles them, so a crash in
  // between skips them for the whole group.
  bool commit_before_process = false;
  // Scripted: each op draws from its own stream (workloads/op_stream_env.h)
  // instead of the client's, so removing one op leaves the others' draws.
  bool op_streams = false;
};

inline constexpr std::string_view kLogWorkloadName = "queue";
inline constexpr std::string_view kLogModelName = "queue";
inline constexpr std::uint32_t kLogConsumerGroup = 1;  // every subscriber's

LogRole log_role(std::int64_t slot, const LogWorkloadOptions& options);

// Runs until env.stopping() (or, with a script, until its ops are done);
// `process` is this client's first process id (>= 0), and its producer id
// is process + 1. A scripted op that is not one of the ops above (with an
// integer partition below options.partitions) throws std::invalid_argument.
void run_log_client(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                    const LogWorkloadOptions& options, const ClientScript* script = nullptr);

// The final drain: once the cluster has healed, reader `slot` of `readers`
// takes every readers-th partition and reads each from offset 0 until it
// reaches the partition's high watermark, following leadership, as one
// final-poll op per partition; a drain the run's stop interrupts fails.
void run_log_final_reads(ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                         std::int64_t slot, std::int64_t readers,
                         const LogWorkloadOptions& options);

}  // namespace simlab

// A Kafka-style queue history (Jepsen's kafka workload, jepsen.tests.kafka)
// compiled into the sends and polls a log checker judges. Ops:
//   :send and :txn  value: micro-ops [:send k v]; completed, [:send k [offset v]]
//   :poll (and in :txn) completed value: [:poll {k [[offset v] ...] ...}]
//   :final-poll          a poll of the final drain (simlab's log workload,
//                        after the heal): a poll in every way, and it reads
//                        its keys from offset 0 to their end
//   :assign, :subscribe  value: the keys; a new assignment restarts the
//                        process's position, so its polls may go back.
// In JSONL a map is written as a list of [key value] pairs, which is also
// what the EDN reader makes of one (checkers/history/edn_parser.h). Keys
// (partitions) and values are any scalars; offsets are integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkers/history/op.h"

namespace simlab::queue {

enum class OpStatus : std::uint8_t { ok, failed, unknown };

struct Send {
  std::string key;                     // the key (partition) as its EDN text
  std::string value;                   // the value as its EDN text
  std::optional<std::int64_t> offset;  // known only from a completed send
};

struct Record {
  std::int64_t offset;
  std::string value;
};

struct Poll {
  std::string key;
  std::vector<Record> records;  // in the order the poll returned them
};

struct QueueOp {
  std::int64_t invoke_index = -1;  // the op's positions in the history
  std::int64_t complete_index = -1;
  std::int64_t process = 0;
  std::string f;  // send, poll, final-poll, txn, assign, subscribe
  OpStatus status = OpStatus::unknown;
  std::vector<Send> sends;  // from the completion when it has offsets, else the invocation
  std::vector<Poll> polls;  // from an ok completion only
  std::int64_t line = 0;
};

struct QueueHistory {
  std::vector<QueueOp> ops;  // in invocation order
};

struct CompileError {
  std::int64_t line;
  std::string what;
};

struct CompiledQueue {
  QueueHistory history;
  std::optional<CompileError> error;
};

// True when some op's f is one of the queue's (send, poll, final-poll, txn,
// assign, subscribe): how `simlab check --model queue` tells such a history from a
// FIFO queue's enqueue/dequeue.
bool looks_like_queue_history(const history::History& ops);

CompiledQueue compile_queue_history(const history::History& ops);

}  // namespace simlab::queue

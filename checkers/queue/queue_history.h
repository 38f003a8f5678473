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
// (partitions) and values are any scalars, interned as atoms (queue_atoms.h);
// offsets are integers. JSONL files have a faster reader of their own
// (queue_jsonl_reader.h) that compiles the same way (queue_compiler.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkers/history/op.h"
#include "checkers/queue/queue_atoms.h"

namespace simlab::queue {

enum class OpStatus : std::uint8_t { ok, failed, unknown };

enum class QueueF : std::uint8_t { send, poll, final_poll, txn, assign, subscribe };

// The f of a queue op, or none when `f` is not one of the queue's.
std::optional<QueueF> parse_queue_f(std::string_view f);
const char* queue_f_name(QueueF f);  // as the history spells it: final-poll

struct Send {
  Atom key;  // the key (partition)
  Atom value;
  std::optional<std::int64_t> offset;  // known only from a completed send
};

struct Record {
  std::int64_t offset;
  Atom value;
};

struct Poll {
  Atom key;
  std::vector<Record> records;  // in the order the poll returned them
};

struct QueueOp {
  std::int64_t invoke_index = -1;  // the op's positions in the history
  std::int64_t complete_index = -1;
  std::int64_t process = 0;
  QueueF f = QueueF::send;
  OpStatus status = OpStatus::unknown;
  std::vector<Send> sends;  // from the completion when it has offsets, else the invocation
  std::vector<Poll> polls;  // from an ok completion only
  std::int64_t line = 0;
};

struct QueueHistory {
  std::vector<QueueOp> ops;  // in invocation order
  AtomTable atoms;           // the keys' and values' texts
  std::string text(Atom atom) const { return atoms.text_of(atom); }
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

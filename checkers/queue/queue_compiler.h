// Compiles a queue history op by op into QueueOps (queue_history.h), from any
// reader's tree of values: history::Value for the EDN and generic readers,
// simdjson's DOM for the JSONL one (queue_jsonl_reader.h), so a million-op
// file never becomes a million Value trees. A Node is a cheap handle to one
// value with:
//   is_nil() is_integer() is_string() is_list()   what it is
//   as_integer() as_string() size()               REQUIRES the matching is_*()
//   each(fn)                                      calls fn(Node) per list item
//   atom(AtomTable&)                              the value interned
//   format()                                      its EDN text, for messages
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "checkers/history/op_type.h"
#include "checkers/queue/queue_history.h"

namespace simlab::queue {

// What a completion or invocation says besides its value.
struct OpHead {
  std::int64_t index = 0;  // dense position in the history
  std::int64_t process = 0;
  history::OpType type = history::OpType::invoke;
  std::string_view f;
  std::int64_t line = 0;
};

// Thrown by QueueCompiler::add: the op at `line` is not a queue op as
// queue_history.h describes them.
struct BadQueueOp : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class QueueCompiler {
 public:
  template <typename Node>
  void add(const OpHead& head, const Node& value);

  QueueHistory finish() { return std::move(history_); }

 private:
  struct Open {
    std::size_t position;  // in history_.ops
  };

  template <typename Node>
  static const Node& list_of(const Node& value, const char* what) {
    if (!value.is_list())
      throw BadQueueOp(fmt::format("expected {}, found {}", what, value.format()));
    return value;
  }

  // The first items of a list, and how many it has.
  template <typename Node, std::size_t N>
  static std::size_t first_items(const Node& list, std::array<Node, N>& items) {
    std::size_t count = 0;
    list.each([&](const Node& item) {
      if (count < N) items[count] = item;
      ++count;
    });
    return count;
  }

  // [:send k v] or, completed, [:send k [offset v]].
  template <typename Node>
  Send read_send(const std::array<Node, 3>& micro, std::size_t size) {
    if (size != 3) throw BadQueueOp("expected [:send key value]");
    Send send{micro[1].atom(history_.atoms), {}, std::nullopt};
    if (!micro[2].is_list()) {
      send.value = micro[2].atom(history_.atoms);
      return send;
    }
    std::array<Node, 2> pair{};
    if (first_items(micro[2], pair) != 2 || !(pair[0].is_integer() || pair[0].is_nil()))
      throw BadQueueOp("expected a completed send's [offset value]");
    if (pair[0].is_integer()) send.offset = pair[0].as_integer();
    send.value = pair[1].atom(history_.atoms);
    return send;
  }

  // [:poll {k [[offset v] ...]}], the map read as [key records] pairs.
  template <typename Node>
  void read_poll(const std::array<Node, 3>& micro, std::size_t size, QueueOp& op) {
    if (size != 2) throw BadQueueOp("expected [:poll {key [[offset value] ...]}]");
    list_of(micro[1], "a poll's map of key to [[offset value] ...]").each([&](const Node& entry) {
      std::array<Node, 2> pair{};
      if (first_items(list_of(entry, "a [key records] entry of a poll's map"), pair) != 2)
        throw BadQueueOp("expected a [key records] entry of a poll's map");
      Poll& poll = op.polls.emplace_back(Poll{pair[0].atom(history_.atoms), {}});
      const Node& records = list_of(pair[1], "a poll's [[offset value] ...]");
      poll.records.reserve(records.size());
      records.each([&](const Node& record) {
        std::array<Node, 2> fields{};
        if (first_items(list_of(record, "a polled [offset value]"), fields) != 2 ||
            !fields[0].is_integer())
          throw BadQueueOp(
              fmt::format("expected a polled [offset value], found {}", record.format()));
        poll.records.push_back({fields[0].as_integer(), fields[1].atom(history_.atoms)});
      });
    });
  }

  // Which polls of a value say what was read: none of an invocation's or a
  // failed completion's; every one of an ok completion's; an indeterminate
  // completion's where it gives the map (a transaction whose commit is in
  // doubt still read what it read; Jepsen's crashed polls keep [:poll]).
  enum class Reads : std::uint8_t { none, required, where_given };

  // The micro-ops of one value: sends and the polls `reads` allows.
  template <typename Node>
  void read_micro_ops(const Node& value, Reads reads, QueueOp& op) {
    list_of(value, "a list of micro-ops such as [[:send 1 2]]").each([&](const Node& item) {
      std::array<Node, 3> micro{};
      const std::size_t size =
          first_items(list_of(item, "a micro-op such as [:send 1 2] or [:poll {}]"), micro);
      if (size == 0 || !micro[0].is_string())
        throw BadQueueOp("expected a micro-op that starts with :send or :poll");
      const std::string_view name = micro[0].as_string();
      if (name == "send") {
        op.sends.push_back(read_send(micro, size));
      } else if (name == "poll") {
        if (reads == Reads::required || (reads == Reads::where_given && size > 1))
          read_poll(micro, size, op);
      } else {
        throw BadQueueOp(fmt::format("expected a :send or :poll micro-op, found :{}", name));
      }
    });
  }

  template <typename Node>
  void invoke(const OpHead& head, QueueF f, const Node& value);
  template <typename Node>
  void complete(const OpHead& head, QueueF f, const Node& value);

  std::unordered_map<std::int64_t, Open> open_;  // process -> its invoked op
  QueueHistory history_;
};

inline OpStatus status_of(history::OpType type) {
  if (type == history::OpType::ok) return OpStatus::ok;
  if (type == history::OpType::fail) return OpStatus::failed;
  return OpStatus::unknown;
}

template <typename Node>
void QueueCompiler::add(const OpHead& head, const Node& value) {
  const std::optional<QueueF> f = parse_queue_f(head.f);
  if (!f)
    throw BadQueueOp(fmt::format(
        "expected f send, poll, final-poll, txn, assign or subscribe, found {}", head.f));
  if (head.type == history::OpType::invoke) return invoke(head, *f, value);
  complete(head, *f, value);
}

template <typename Node>
void QueueCompiler::invoke(const OpHead& head, QueueF f, const Node& value) {
  const auto [it, fresh] = open_.try_emplace(head.process, Open{history_.ops.size()});
  if (!fresh)
    throw BadQueueOp(
        fmt::format("expected process {} to complete its op invoked on line {} "
                    "before invoking again",
                    head.process, history_.ops[it->second.position].line));
  QueueOp& op = history_.ops.emplace_back();
  op.invoke_index = head.index;
  op.process = head.process;
  op.f = f;
  op.line = head.line;
  if (f == QueueF::send || f == QueueF::txn) read_micro_ops(value, Reads::none, op);
}

template <typename Node>
void QueueCompiler::complete(const OpHead& head, QueueF f, const Node& value) {
  const auto it = open_.find(head.process);
  if (it == open_.end())
    throw BadQueueOp(
        fmt::format("expected an invocation by process {} before this completion", head.process));
  QueueOp& op = history_.ops[it->second.position];
  if (op.f != f)
    throw BadQueueOp(fmt::format("expected f \"{}\" to match the invocation on line {}, got \"{}\"",
                                 queue_f_name(op.f), op.line, head.f));
  open_.erase(it);
  op.complete_index = head.index;
  op.status = status_of(head.type);
  const bool has_micro_ops = f != QueueF::assign && f != QueueF::subscribe;
  if (!has_micro_ops || value.is_nil()) return;
  // A completion's sends carry offsets; keep the invocation's when it has none.
  std::vector<Send> invoked = std::move(op.sends);
  op.sends.clear();
  const Reads reads = head.type == history::OpType::ok     ? Reads::required
                      : head.type == history::OpType::fail ? Reads::none
                                                           : Reads::where_given;
  read_micro_ops(value, reads, op);
  if (op.sends.empty()) op.sends = std::move(invoked);
}

}  // namespace simlab::queue

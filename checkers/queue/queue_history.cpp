#include "checkers/queue/queue_history.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "checkers/history/value_format.h"

namespace simlab::queue {
namespace {

using history::OpType;
using history::Value;

// Thrown while compiling one op; becomes a CompileError naming its line.
struct BadOp : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_queue_function(const std::string& f) {
  return f == "send" || f == "poll" || f == "final-poll" || f == "txn" || f == "assign" ||
         f == "subscribe";
}

// The ops whose completions carry micro-ops (sends with offsets, polls).
bool has_micro_ops(const std::string& f) {
  return f == "send" || f == "poll" || f == "final-poll" || f == "txn";
}

const Value::List& list_of(const Value& value, const char* what) {
  if (!value.is_list())
    throw BadOp(fmt::format("expected {}, found {}", what, history::format_value(value)));
  return value.as_list();
}

// [:send k v] or, completed, [:send k [offset v]].
Send read_send(const Value::List& micro) {
  if (micro.size() != 3) throw BadOp("expected [:send key value]");
  Send send{history::format_value(micro[1]), history::format_value(micro[2]), std::nullopt};
  if (micro[2].is_list()) {
    const Value::List& pair = micro[2].as_list();
    if (pair.size() != 2 || !(pair[0].is_integer() || pair[0].is_nil()))
      throw BadOp("expected a completed send's [offset value]");
    if (pair[0].is_integer()) send.offset = pair[0].as_integer();
    send.value = history::format_value(pair[1]);
  }
  return send;
}

// [:poll {k [[offset v] ...]}], the map read as [key records] pairs.
std::vector<Poll> read_poll(const Value::List& micro) {
  if (micro.size() != 2) throw BadOp("expected [:poll {key [[offset value] ...]}]");
  std::vector<Poll> polls;
  for (const Value& entry : list_of(micro[1], "a poll's map of key to [[offset value] ...]")) {
    const Value::List& pair = list_of(entry, "a [key records] entry of a poll's map");
    if (pair.size() != 2) throw BadOp("expected a [key records] entry of a poll's map");
    Poll poll{history::format_value(pair[0]), {}};
    for (const Value& record : list_of(pair[1], "a poll's [[offset value] ...]")) {
      const Value::List& fields = list_of(record, "a polled [offset value]");
      if (fields.size() != 2 || !fields[0].is_integer())
        throw BadOp(fmt::format("expected a polled [offset value], found {}",
                                history::format_value(record)));
      poll.records.push_back({fields[0].as_integer(), history::format_value(fields[1])});
    }
    polls.push_back(std::move(poll));
  }
  return polls;
}

// The micro-ops of one value: sends and, from ok completions, polls.
void read_micro_ops(const Value& value, bool completed_ok, QueueOp& op) {
  for (const Value& item : list_of(value, "a list of micro-ops such as [[:send 1 2]]")) {
    const Value::List& micro = list_of(item, "a micro-op such as [:send 1 2] or [:poll {}]");
    if (micro.empty() || !micro[0].is_string())
      throw BadOp("expected a micro-op that starts with :send or :poll");
    const std::string& name = micro[0].as_string();
    if (name == "send") {
      op.sends.push_back(read_send(micro));
    } else if (name == "poll") {
      // A poll that did not complete ok read nothing: its value is the
      // invocation's [:poll], as Jepsen records a failed or crashed poll.
      if (!completed_ok) continue;
      auto polls = read_poll(micro);
      op.polls.insert(op.polls.end(), polls.begin(), polls.end());
    } else {
      throw BadOp(fmt::format("expected a :send or :poll micro-op, found :{}", name));
    }
  }
}

OpStatus status_of(OpType type) {
  if (type == OpType::ok) return OpStatus::ok;
  if (type == OpType::fail) return OpStatus::failed;
  return OpStatus::unknown;
}

}  // namespace

bool looks_like_queue_history(const history::History& ops) {
  for (const history::Op& op : ops) {
    if (is_queue_function(op.f)) return true;
  }
  return false;
}

CompiledQueue compile_queue_history(const history::History& ops) {
  CompiledQueue compiled;
  std::map<std::int64_t, std::size_t> open;  // process -> its invoked op
  for (const history::Op& op : ops) {
    try {
      if (!is_queue_function(op.f))
        throw BadOp(fmt::format(
            "expected f send, poll, final-poll, txn, assign or subscribe, found {}", op.f));
      if (op.type == OpType::invoke) {
        QueueOp queued{op.index, -1, op.process, op.f, OpStatus::unknown, {}, {}, op.line};
        if (op.f == "send" || op.f == "txn") read_micro_ops(op.value, false, queued);
        open[op.process] = compiled.history.ops.size();
        compiled.history.ops.push_back(std::move(queued));
        continue;
      }
      const auto it = open.find(op.process);
      if (it == open.end())
        throw BadOp(
            fmt::format("expected an invocation by process {} before this completion", op.process));
      QueueOp& queued = compiled.history.ops[it->second];
      open.erase(it);
      queued.complete_index = op.index;
      queued.status = status_of(op.type);
      if (has_micro_ops(op.f) && !op.value.is_nil()) {
        QueueOp completion = queued;
        completion.sends.clear();
        read_micro_ops(op.value, op.type == OpType::ok, completion);
        // A completion's sends carry offsets; keep the invocation's when it has none.
        if (!completion.sends.empty()) queued.sends = std::move(completion.sends);
        queued.polls = std::move(completion.polls);
      }
    } catch (const BadOp& error) {
      compiled.error = CompileError{op.line, error.what()};
      return compiled;
    }
  }
  return compiled;
}

}  // namespace simlab::queue

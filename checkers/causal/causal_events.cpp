#include "checkers/causal/causal_events.h"

#include <unordered_map>

#include "checkers/history/op_error.h"
#include "checkers/history/value_format.h"

namespace simlab::causal {
namespace {

using history::History;
using history::Op;
using history::OpType;
using history::Value;

class Compiler {
 public:
  explicit Compiler(const History& history)
      : history_(history), completion_(history::completion_positions(history)) {}

  Compiled compile() {
    for (std::size_t i = 0; i < history_.size(); ++i)
      if (history_[i].type == OpType::invoke) add(static_cast<std::int64_t>(i));
    link_reads();
    return std::move(out_);
  }

 private:
  void add(std::int64_t position) {
    const Op& op = history_[static_cast<std::size_t>(position)];
    const std::int64_t done = completion_[static_cast<std::size_t>(position)];
    const Op* completion = done < 0 ? nullptr : &history_[static_cast<std::size_t>(done)];
    if (op.f != "read" && op.f != "write") {
      throw history::OpError(
          position, op.line,
          "expected f read or write for --model causal|session, found f \"" + op.f + "\"");
    }
    if (completion && completion->type == OpType::fail) return;
    const bool write = op.f == "write";
    if (!write && (!completion || completion->type != OpType::ok)) return;
    Event event;
    event.invoke = position;
    event.done = done;
    event.write = write;
    event.process = process_slot(op.process);
    event.index = static_cast<std::uint32_t>(out_.sessions[event.process].size() + 1);
    event.key = key_id(op.key);
    event.value = write ? op.value : completion->value;
    const std::size_t id = out_.events.size();
    if (write) {
      note_write(id, event, op);
      out_.write_indices[event.process].push_back(event.index);
    }
    out_.sessions[event.process].push_back(id);
    out_.events.push_back(std::move(event));
  }

  void note_write(std::size_t id, const Event& event, const Op& op) {
    if (event.value.is_nil()) {
      throw history::OpError(event.invoke, op.line,
                             "a write of nil cannot be told from the initial value");
    }
    if (!written_[event.key].try_emplace(event.value, id).second) {
      throw history::OpError(event.invoke, op.line,
                             "the value " + history::format_value(event.value) +
                                 " is written twice to its key: --model causal needs each value "
                                 "written at most once per key");
    }
    auto& writers = out_.writers[event.key];
    const auto [slot, inserted] =
        out_.writer_slots.try_emplace(read_key(event.key, event.process), writers.size());
    if (inserted) writers.push_back(Writer{event.process, {}});
    writers[slot->second].writes.push_back(id);
  }

  // A read returned one value, nil, or (a multi-value register's read) a
  // list of sibling values, each from its own write.
  void link_reads() {
    out_.readers.resize(out_.events.size());
    for (std::size_t id = 0; id < out_.events.size(); ++id) {
      Event& event = out_.events[id];
      if (event.write) continue;
      event.multi = event.value.is_list();
      event.sources_begin = event.sources_end = static_cast<std::uint32_t>(out_.sources.size());
      bool linked = true;
      if (event.multi) {
        for (const Value& sibling : event.value.as_list())
          if (!(linked = link(id, event, sibling))) break;
      } else if (!event.value.is_nil()) {
        linked = link(id, event, event.value);
      }
      event.initial = linked && event.read_from == kNone;
      for (std::uint32_t i = event.sources_begin; i < event.sources_end; ++i) {
        // try_emplace keeps the first: a process's reads come in session order
        out_.first_read.try_emplace(read_key(event.process, out_.sources[i]), event.index);
      }
    }
  }

  // The write of `value` becomes a source of the read; a value nobody wrote
  // makes the read thin air, with no sources.
  bool link(std::size_t id, Event& event, const Value& value) {
    const auto& written = written_[event.key];
    const auto found = written.find(value);
    if (found == written.end()) {
      for (std::uint32_t i = event.sources_begin; i < event.sources_end; ++i)
        out_.readers[out_.sources[i]].pop_back();
      out_.sources.resize(event.sources_begin);
      event.sources_end = event.sources_begin;
      event.read_from = kNone;
      out_.thin_air.push_back(id);
      return false;
    }
    if (event.read_from == kNone) event.read_from = found->second;
    out_.sources.push_back(found->second);
    ++event.sources_end;
    out_.readers[found->second].push_back(id);
    return true;
  }

  std::size_t process_slot(std::int64_t process) {
    const auto [found, inserted] = processes_.try_emplace(process, out_.sessions.size());
    if (inserted) {
      out_.sessions.emplace_back();
      out_.write_indices.emplace_back();
    }
    return found->second;
  }

  std::size_t key_id(const std::optional<Value>& key) {
    const Value name = key ? *key : Value();
    const auto [found, inserted] = keys_.try_emplace(name, out_.keys.size());
    if (inserted) {
      out_.keys.push_back(key);
      out_.writers.emplace_back();
      written_.emplace_back();
    }
    return found->second;
  }

  const History& history_;
  std::vector<std::int64_t> completion_;
  std::unordered_map<std::int64_t, std::size_t> processes_;
  std::unordered_map<Value, std::size_t, history::ValueHash> keys_;
  std::vector<std::unordered_map<Value, std::size_t, history::ValueHash>> written_;  // per key
  Compiled out_;
};

}  // namespace

Compiled compile_history(const History& history) { return Compiler(history).compile(); }

}  // namespace simlab::causal

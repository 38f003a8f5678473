// The causal checker's view of a history: its ok reads and its writes
// that may have happened, as events in per-process sessions, each read
// linked to the writes it returned (one, or a multi-value read's
// siblings). Internal to checkers/causal.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "checkers/history/op.h"

namespace simlab::causal {

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// A read or write that takes part in the causal order.
struct Event {
  std::int64_t invoke = -1, done = -1;  // history positions; done -1: no completion
  bool write = false;
  std::size_t process = 0;  // dense slot
  std::uint32_t index = 0;  // 1-based, in its process's session
  std::size_t key = 0;      // dense key id
  history::Value value;
  // A read's writes, in Compiled::sources: one, or a multi-value read's
  // siblings; none for the initial value or thin air. read_from is the first.
  std::uint32_t sources_begin = 0, sources_end = 0;
  std::size_t read_from = kNone;
  bool initial = false;  // a read of nil, or a multi-value read of no siblings
  bool multi = false;    // a multi-value register's read: its value is the list of siblings
};

// Two dense ids as one map key.
inline std::uint64_t read_key(std::size_t process, std::size_t write) {
  return static_cast<std::uint64_t>(process) << 32 | static_cast<std::uint64_t>(write);
}

struct Writer {  // one process's writes of one key, in session order
  std::size_t process = 0;
  std::vector<std::size_t> writes;  // event ids
};

struct Compiled {
  std::vector<Event> events;
  std::vector<std::vector<std::size_t>> sessions;  // per process, its events in order
  std::vector<std::optional<history::Value>> keys;
  std::vector<std::vector<Writer>> writers;  // per key
  std::unordered_map<std::uint64_t, std::size_t>
      writer_slots;                   // (key << 32 | process) -> writers[key] slot
  std::vector<std::size_t> sources;   // the reads' writes (Event::sources_begin)
  std::vector<std::size_t> thin_air;  // reads of values nobody wrote
  std::vector<std::vector<std::uint32_t>> write_indices;  // per process: its writes' indices
  std::vector<std::vector<std::size_t>> readers;          // per write: the reads of it
  // (process << 32 | write) -> the session index of the process's first
  // read that returned the write: whether a writer read a write before its own.
  std::unordered_map<std::uint64_t, std::uint32_t> first_read;
};

// Throws history::OpError for an op that is not a read or write, a write
// of nil, or a value written twice to a key.
Compiled compile_history(const history::History& history);

}  // namespace simlab::causal

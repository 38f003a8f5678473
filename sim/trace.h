// Every delivered event folds into one 64-bit trace hash: two runs with equal
// hashes saw the same events, at the same times, with the same payloads.
// Optionally keeps a readable event log (--trace) and per-event records (for
// --check-determinism, which names the first event two runs disagree on).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/event_queue.h"

namespace simlab::sim {

struct TraceRecord {
  std::int64_t time_ns;
  EventKind kind;
  std::uint32_t target;
  std::uint32_t source;
  std::uint64_t detail_hash;
  std::uint64_t hash_after;  // the trace hash once this event is folded in
};

std::string describe(const TraceRecord& record);
const char* event_kind_name(EventKind kind);

class Trace {
 public:
  Trace(bool keep_lines, bool keep_records) : keep_lines_(keep_lines), keep_records_(keep_records) {}

  void record(std::int64_t time_ns, EventKind kind, std::uint32_t target, std::uint32_t source,
              std::uint64_t detail_hash);
  bool keeps_lines() const { return keep_lines_; }
  void line(std::string text) {
    if (keep_lines_) lines_.push_back(std::move(text));
  }

  std::uint64_t hash() const { return hash_; }
  std::uint64_t events() const { return events_; }
  const std::vector<std::string>& lines() const { return lines_; }
  const std::vector<TraceRecord>& records() const { return records_; }

 private:
  bool keep_lines_;
  bool keep_records_;
  std::uint64_t hash_ = 0x5349'4D4C'4142'0001ull;  // "SIMLAB", version 1
  std::uint64_t events_ = 0;
  std::vector<std::string> lines_;
  std::vector<TraceRecord> records_;
};

// Index of the first record where two traces differ (or where one ends), or
// -1 when they are equal.
std::int64_t first_difference(const std::vector<TraceRecord>& a, const std::vector<TraceRecord>& b);

}  // namespace simlab::sim

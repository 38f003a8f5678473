#include "sim/trace.h"

#include <fmt/format.h>

#include "sim/hash.h"

namespace simlab::sim {

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::message: return "message";
    case EventKind::timer: return "timer";
    case EventKind::disk_done: return "disk-done";
    case EventKind::client_request: return "client-request";
    case EventKind::client_reply: return "client-reply";
    case EventKind::fiber_wake: return "fiber-wake";
    case EventKind::callback: return "callback";
  }
  return "?";
}

std::string describe(const TraceRecord& record) {
  return fmt::format("t={}ns {} target={} source={} detail={:016x}", record.time_ns,
                     event_kind_name(record.kind), record.target, record.source,
                     record.detail_hash);
}

void Trace::record(std::int64_t time_ns, EventKind kind, std::uint32_t target,
                   std::uint32_t source, std::uint64_t detail_hash) {
  hash_ = fold64(hash_, static_cast<std::uint64_t>(time_ns));
  hash_ = fold64(hash_, (static_cast<std::uint64_t>(kind) << 56) ^
                            (static_cast<std::uint64_t>(target) << 24) ^ source);
  hash_ = fold64(hash_, detail_hash);
  ++events_;
  if (keep_records_) records_.push_back({time_ns, kind, target, source, detail_hash, hash_});
}

std::int64_t first_difference(const std::vector<TraceRecord>& a,
                              const std::vector<TraceRecord>& b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (a[i].hash_after != b[i].hash_after) return static_cast<std::int64_t>(i);
  }
  return a.size() == b.size() ? -1 : static_cast<std::int64_t>(common);
}

}  // namespace simlab::sim

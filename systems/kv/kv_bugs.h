// The KV store's own planted bugs (Raft's are in systems/raft/bugs.h).
#pragma once

#include <set>
#include <span>
#include <string>

#include "systems/common/node.h"

namespace simlab::kv {

inline constexpr const char* kNoDedupeBug = "kv.no-dedupe";

std::span<const PlantedBug> kv_bugs();

struct KvBugs {
  bool no_dedupe = false;
  static KvBugs from(const std::set<std::string>& names);
};

}  // namespace simlab::kv

#include "systems/kv/kv_bugs.h"

#include <array>

namespace simlab::kv {
namespace {

constexpr std::array<PlantedBug, 1> kBugs = {{
    {kNoDedupeBug,
     "the KV store ignores client sequence numbers, so a retried command applies twice "
     "(duplicate appends; the Raft thesis §6.3 session table left out)"},
}};

}  // namespace

std::span<const PlantedBug> kv_bugs() { return kBugs; }

KvBugs KvBugs::from(const std::set<std::string>& names) {
  KvBugs bugs;
  bugs.no_dedupe = names.contains(kNoDedupeBug);
  return bugs;
}

}  // namespace simlab::kv

#include "harness/systems/system_registry.h"

namespace simlab {

std::span<const SystemEntry> systems() {
  static const std::vector<SystemEntry> entries = {raft_entry(), register_entry(), log_entry(),
                                                   crdt_entry()};
  return entries;
}

const SystemEntry* find_system(std::string_view name) {
  for (const auto& entry : systems()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

const WorkloadEntry* find_workload(const SystemEntry& system, std::string_view name) {
  if (name.empty()) return system.workloads.empty() ? nullptr : &system.workloads.front();
  for (const auto& workload : system.workloads) {
    if (workload.name == name) return &workload;
  }
  return nullptr;
}

bool has_bug(const SystemEntry& system, std::string_view bug) {
  for (const auto& known : system.bugs) {
    if (known.name == bug) return true;
  }
  return false;
}

}  // namespace simlab

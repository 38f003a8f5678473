#include "harness/system_registry.h"

#include "systems/register/register_node.h"
#include "workloads/register_workload.h"

namespace simlab {
namespace {

std::vector<SystemEntry> make_systems() {
  static const register_demo::RegisterFactory register_factory;
  std::vector<SystemEntry> entries;
  entries.push_back(SystemEntry{
      "register",
      "primary-backup replicated register (the kernel's demonstration system)",
      &register_factory,
      {WorkloadEntry{"register", "cas-register",
                     [](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        const ClientSettings& settings) {
                       run_register_client(env, recorder, process,
                                           RegisterWorkloadOptions{settings.op_timeout_ns,
                                                                   settings.think_ns_max,
                                                                   settings.process_stride});
                     }}},
      {PlantedBug{register_demo::kStaleReadBug,
                  "backups answer reads from their own copy, which may lag the primary"}}});
  return entries;
}

}  // namespace

std::span<const SystemEntry> systems() {
  static const std::vector<SystemEntry> entries = make_systems();
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

}  // namespace simlab

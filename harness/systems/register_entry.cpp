// The "register" system: the kernel's demonstration system, the smallest
// example for people writing their own.
#include "harness/systems/system_registry.h"
#include "systems/register/register_node.h"
#include "workloads/register_workload.h"

namespace simlab {

SystemEntry register_entry() {
  static const register_demo::RegisterFactory register_factory;
  return SystemEntry{
      "register",
      "primary-backup replicated register (the kernel's demonstration system)",
      &register_factory,
      {WorkloadEntry{"register",
                     {"cas-register"},
                     [](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        const ClientSettings& settings, const ClientScript* script) {
                       run_register_client(env, recorder, process,
                                           RegisterWorkloadOptions{
                                               settings.op_timeout_ns, settings.think_ns_max,
                                               settings.process_stride, settings.script_op_streams},
                                           script);
                     },
                     [](ClientEnv& env, HistoryRecorder& recorder, std::int64_t process,
                        std::int64_t slot, std::int64_t readers, const ClientSettings& settings) {
                       if (slot != 0) return;  // one register: one final read
                       run_register_final_read(
                           env, recorder, process,
                           RegisterWorkloadOptions{settings.op_timeout_ns, settings.think_ns_max,
                                                   readers});
                     },
                     {}}},
      {},
      {},
      {},
      register_demo_scenario,
      register_factory.planted_bugs()};
}

}  // namespace simlab

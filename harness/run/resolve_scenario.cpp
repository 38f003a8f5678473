#include "harness/run/resolve_scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "harness/systems/system_registry.h"
#include "sim/prng.h"

namespace simlab {
namespace {

// The largest clock-rate error a run's faults can cause: the rate-driven
// clock faults' bound and every scripted drift.
double clock_drift_bound(const Scenario& scenario) {
  double bound = scenario.faults.rate(faults::FaultKind::clock) > 0
                     ? scenario.faults.clock_drift_bound()
                     : 0.0;
  for (const auto& fault : scenario.timeline) {
    if (fault.kind == faults::FaultKind::clock && fault.mode == "drift") {
      bound = std::max(bound, static_cast<double>(std::abs(fault.amount)) / 1e6);
    }
  }
  return bound;
}

// The checker must be a model that can judge this workload's ops: any
// other would reject them after the whole run was simulated.
void check_checker(Scenario& scenario, const WorkloadEntry& workload) {
  if (scenario.checker.empty()) {
    scenario.checker = std::string(workload.models.front());
    return;
  }
  std::string names;
  for (std::string_view model : workload.models) {
    if (model == scenario.checker) return;
    names += (names.empty() ? "" : ", ") + std::string(model);
  }
  throw ScenarioError(
      "checker", fmt::format("model '{}' cannot judge the {} workload's histories (expected {})",
                             scenario.checker, workload.name, names));
}

void check_workload_options(const WorkloadEntry& workload, const nlohmann::json& options) {
  if (options.empty()) return;
  const std::string error = workload.options_error
                                ? workload.options_error(options)
                                : fmt::format("the {} workload takes no options", workload.name);
  if (!error.empty()) throw ScenarioError("workload_options", error);
}

void check_system_options(const SystemEntry& system, const nlohmann::json& options) {
  const std::string error = system.factory->options_error(options.dump());
  if (!error.empty()) throw ScenarioError("system_options", error);
}

}  // namespace

Scenario resolve_scenario(Scenario scenario, std::uint64_t seed) {
  scenario.seed = seed;
  const SystemEntry* system = find_system(scenario.system);
  if (!system) throw ScenarioError("system", fmt::format("unknown system '{}'", scenario.system));
  const WorkloadEntry* workload = find_workload(*system, scenario.workload);
  if (!workload)
    throw ScenarioError("workload", fmt::format("unknown workload '{}' for system '{}'",
                                                scenario.workload, scenario.system));
  scenario.workload = std::string(workload->name);
  check_checker(scenario, *workload);
  check_workload_options(*workload, scenario.workload_options);
  if (!scenario.bug.empty() && !has_bug(*system, scenario.bug)) {
    throw ScenarioError("bug", fmt::format("unknown bug '{}' for system '{}' (see simlab bugs)",
                                           scenario.bug, scenario.system));
  }
  check_system_options(*system, scenario.system_options);
  check_regions(scenario.regions, scenario.nodes);
  if (scenario.nodes > system->factory->nodes_max()) {
    throw ScenarioError("nodes",
                        fmt::format("the {} system runs at most {} nodes, not {}", scenario.system,
                                    system->factory->nodes_max(), scenario.nodes));
  }
  if (const std::string error =
          system->factory->cluster_error(scenario.system_options.dump(), scenario.nodes);
      !error.empty()) {
    throw ScenarioError("system_options", error);
  }
  // Membership faults need the system's admin hook; without one the kind is
  // off, so the swarm never spends a seed's mix on it.
  if (!system->admin) scenario.faults.rate(faults::FaultKind::membership) = 0;
  if (scenario.swarm) {
    // The swarm's choice depends only on the seed; writing it into the
    // resolved scenario (with swarm off) makes the run replay exactly.
    sim::Prng chooser = sim::Prng(seed).split("swarm");
    scenario.faults = faults::choose_swarm_mix(scenario.faults, chooser);
    if (system->swarm_options) {
      sim::Prng knobs = sim::Prng(seed).split("swarm-options");
      scenario.system_options =
          system->swarm_options(scenario.system_options, clock_drift_bound(scenario), knobs);
    }
    check_system_options(*system, scenario.system_options);
    // BUGGIFY is a knob like the others: unless the scenario says, half of
    // the seeds run with the systems' rare paths switched on.
    if (!scenario.buggify) scenario.buggify = sim::Prng(seed).split("swarm-buggify").chance(0.5);
    scenario.swarm = false;
  }
  if (!scenario.buggify) scenario.buggify = false;
  scenario.faults.regions = scenario.regions.nodes;
  scenario.faults.damaged_disks_max =
      system->factory->damaged_disks_tolerated(scenario.system_options.dump(), scenario.nodes);
  scenario.faults.lost_disks_max =
      system->factory->lost_disks_tolerated(scenario.system_options.dump(), scenario.nodes);
  scenario.faults.offline_nodes =
      system->factory->offline_nodes(scenario.system_options.dump(), scenario.nodes);
  return scenario;
}

}  // namespace simlab

// A run on real nodes: the same scenario, workload, nemesis and judges as
// in the simulator, with the cluster as processes in network namespaces
// (real/cluster.h) and faults from the kernel (real/real_nemesis_host.h).
// Time is wall-clock time; the seed picks the fault schedule and the
// workload's choices, but the run is not deterministic (result.json says so).
#pragma once

#include <string>

#include "harness/run/run_outcome.h"

namespace simlab {

struct RealRunOptions {
  std::string work_dir;       // the nodes' data folders go below it
  std::string simlab_binary;  // the binary that runs `simlab node`
};

// Throws real::RealUnavailable when this machine cannot run real nodes
// (exit 69), and RealRunInterrupted after cleaning up on SIGINT/SIGTERM.
RunOutcome run_real(const Scenario& resolved, const RunOptions& options,
                    const RealRunOptions& real);

struct RealRunInterrupted : std::runtime_error {
  RealRunInterrupted()
      : std::runtime_error(
            "interrupted: every namespace, link and node process of the run was removed") {}
};

// The binary this process runs from (/proc/self/exe).
std::string own_binary();

}  // namespace simlab

// The parts of a run that do not depend on its driver (the simulator or
// real nodes): the clients and final readers, the liveness watch, and the
// nemesis's hooks into the system. A driver supplies how to make a client
// env and how to spawn a fiber.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "faults/nemesis.h"
#include "harness/run/run_outcome.h"
#include "harness/scenario.h"
#include "harness/systems/system_registry.h"
#include "workloads/history_recorder.h"

namespace simlab {

using FiberSpawner = std::function<void(std::string name, std::function<void()> body)>;

ClientSettings client_settings(const Scenario& scenario);

faults::NemesisHooks make_nemesis_hooks(const SystemEntry& system, const Scenario& scenario,
                                        const HistoryRecorder& recorder,
                                        const ClientEnvMaker& make_env);

// The scenario's clients, then (after the heal) one final reader per client.
class Workforce {
 public:
  Workforce(const Scenario& scenario, const WorkloadEntry& workload, HistoryRecorder& recorder,
            ClientEnvMaker make_env, FiberSpawner spawn);
  void start_clients();
  void start_final_readers();
  bool idle() const { return clients_running_ == 0 && readers_running_ == 0; }
  // The final readers, and the scripted clients that replay a final
  // reader's reads (shrinking scripts them), have all finished.
  bool final_readers_done() const {
    return readers_running_ == 0 && scripted_readers_running_ == 0;
  }
  // Clients that ran out of scripted ops.
  const std::set<std::int64_t>& scripts_done() const { return scripts_done_; }

 private:
  const Scenario& scenario_;
  const WorkloadEntry& workload_;
  HistoryRecorder& recorder_;
  ClientEnvMaker make_env_;
  FiberSpawner spawn_;
  std::vector<std::shared_ptr<ClientEnv>> envs_;
  std::size_t clients_running_ = 0;
  std::size_t readers_running_ = 0;
  std::size_t scripted_readers_running_ = 0;  // scripted clients with final reads, running
  std::set<std::int64_t> scripts_done_;
};

// The end of a run on either driver, once the cluster is gone: the
// liveness finding, the history, the combined verdict and the wall time.
void finish_outcome(RunOutcome& outcome, HistoryRecorder& recorder,
                    std::chrono::steady_clock::time_point wall_start);

// Liveness: every client must complete an op it invoked after healing
// (final readers are not clients: they only add reads). It looks only at
// ops recorded since its last call, so a watch called after every event
// stays linear in the liveness phase's length. A scripted client that has
// finished its script (in `finished`) asks for nothing more and counts as
// served.
class ProgressWatch {
 public:
  ProgressWatch(const HistoryRecorder& recorder, std::uint32_t clients,
                const std::set<std::int64_t>& finished)
      : recorder_(recorder),
        clients_(clients),
        finished_(finished),
        scanned_(recorder.history().size()) {}
  bool every_client_served();

 private:
  const HistoryRecorder& recorder_;
  std::uint32_t clients_;
  const std::set<std::int64_t>& finished_;
  std::size_t scanned_;
  std::set<std::int64_t> served_;
};

}  // namespace simlab

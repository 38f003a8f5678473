#include "harness/run/workforce.h"

#include <fmt/format.h>

#include <algorithm>

namespace simlab {

ClientSettings client_settings(const Scenario& scenario) {
  return ClientSettings{scenario.op_timeout_ms * kNanosecondsPerMillisecond,
                        scenario.think_ms_max * kNanosecondsPerMillisecond,
                        static_cast<std::int64_t>(scenario.clients),
                        scenario.script_op_streams,
                        scenario.system_options,
                        scenario.workload_options,
                        scenario.bug,
                        scenario.safety_ms * kNanosecondsPerMillisecond};
}

faults::NemesisHooks make_nemesis_hooks(const SystemEntry& system, const Scenario& scenario,
                                        const HistoryRecorder& recorder,
                                        const ClientEnvMaker& make_env) {
  faults::NemesisHooks hooks;
  hooks.acknowledged_writes = [&recorder] { return recorder.acknowledged_writes(); };
  if (system.admin) hooks.admin = system.admin(make_env, client_settings(scenario));
  if (system.probe) hooks.probe = system.probe(make_env, client_settings(scenario));
  return hooks;
}

Workforce::Workforce(const Scenario& scenario, const WorkloadEntry& workload,
                     HistoryRecorder& recorder, ClientEnvMaker make_env, FiberSpawner spawn)
    : scenario_(scenario),
      workload_(workload),
      recorder_(recorder),
      make_env_(std::move(make_env)),
      spawn_(std::move(spawn)) {}

void Workforce::start_clients() {
  const ClientSettings settings = client_settings(scenario_);
  for (std::uint32_t client = 0; client < scenario_.clients; ++client) {
    envs_.push_back(make_env_(fmt::format("client-{}", client)));
    ClientEnv* env = envs_.back().get();
    ++clients_running_;
    const ClientScript* script = scenario_.script.empty() ? nullptr : &scenario_.script[client];
    const bool reads_finally =
        script != nullptr && std::any_of(script->begin(), script->end(),
                                         [](const ScriptedOp& op) { return op.final_read; });
    scripted_readers_running_ += reads_finally ? 1 : 0;
    spawn_(fmt::format("client-{}", client), [this, env, client, settings, script, reads_finally] {
      workload_.run(*env, recorder_, client, settings, script);
      --clients_running_;
      scripted_readers_running_ -= reads_finally ? 1 : 0;
      // A client whose script is done has nothing left to be served.
      if (script != nullptr) scripts_done_.insert(client);
    });
  }
}

void Workforce::start_final_readers() {
  if (!workload_.final_reads || !scenario_.final_reads) return;
  const ClientSettings settings = client_settings(scenario_);
  const auto readers = static_cast<std::int64_t>(scenario_.clients);
  for (std::int64_t slot = 0; slot < readers; ++slot) {
    envs_.push_back(make_env_(fmt::format("final-reader-{}", slot)));
    ClientEnv* env = envs_.back().get();
    ++readers_running_;
    spawn_(fmt::format("final-reader-{}", slot), [this, env, slot, readers, settings] {
      workload_.final_reads(*env, recorder_, kFinalReaderProcessBase + slot, slot, readers,
                            settings);
      --readers_running_;
    });
  }
}

void finish_outcome(RunOutcome& outcome, HistoryRecorder& recorder,
                    std::chrono::steady_clock::time_point wall_start) {
  if (!outcome.live) {
    outcome.liveness_detail =
        fmt::format("not every client completed an operation within {}ms of healing",
                    outcome.scenario.liveness_ms);
  }
  outcome.history = recorder.take();
  combine_verdict(outcome);
  outcome.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
          .count();
}

bool ProgressWatch::every_client_served() {
  const auto& ops = recorder_.history();
  for (; scanned_ < ops.size(); ++scanned_) {
    const history::Op& op = ops[scanned_];
    if (op.type == history::OpType::ok && op.process < kFinalReaderProcessBase)
      served_.insert(op.process % clients_);
  }
  std::size_t served = served_.size();
  for (std::int64_t client : finished_) served += !served_.contains(client);
  return served >= clients_;
}

}  // namespace simlab

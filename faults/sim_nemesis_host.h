// The nemesis's effects in the simulator: links blocked and clogged in the
// virtual network, nodes crashed (with the virtual disk's crash semantics),
// paused and restarted, clocks moved, disks flipped, stalled, failed, filled.
#pragma once

#include "faults/nemesis_host.h"
#include "sim/prng.h"
#include "sim/simulator.h"

namespace simlab::faults {

class SimNemesisHost final : public NemesisHost {
 public:
  explicit SimNemesisHost(sim::Simulator& simulator)
      : simulator_(simulator), random_(simulator.stream("nemesis")) {}

  std::int64_t now_ns() const override { return simulator_.now_ns(); }
  void sleep_for(std::int64_t duration_ns) override { simulator_.sleep_for(duration_ns); }
  void spawn(std::string name, std::function<void()> body) override {
    simulator_.spawn(std::move(name), std::move(body));
  }
  void at(std::int64_t time_ns, std::function<void()> action) override {
    simulator_.at(time_ns, std::move(action));
  }
  void log(const std::string& line) override { simulator_.trace().line(line); }
  std::uint32_t node_count() const override { return simulator_.node_count(); }
  NodeId last_client_node() const override { return simulator_.last_client_node(); }
  std::vector<std::string> disk_files(NodeId node) override {
    return simulator_.disk(node).files();
  }

  std::string apply(const ScriptedFault& fault, std::size_t index) override;
  void heal(const ScriptedFault& fault) override;
  void heal_everything() override;

 private:
  std::string apply_crash(const ScriptedFault& fault);
  void apply_disk(const ScriptedFault& fault, std::size_t index);
  void heal_disk(const ScriptedFault& fault);

  sim::Simulator& simulator_;
  sim::Prng random_;  // for what faults draw when they happen (a flipped bit)
};

}  // namespace simlab::faults

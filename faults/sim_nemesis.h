// The simulated nemesis: for each fault kind the mix turns on, a fiber that
// waits a random (exponential) time, injects one fault through the
// simulator's hooks, holds it, and heals it. Kinds overlap; one kind never
// overlaps itself. Every fault is recorded in a timeline for the result and
// the report. heal_all() ends every fault at once (the liveness phase).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "faults/fault_mix.h"
#include "sim/prng.h"
#include "sim/simulator.h"

namespace simlab::faults {

struct FaultEvent {
  FaultKind kind;
  std::string detail;          // e.g. "partition majorities-ring", "clock jump -2.1s"
  std::vector<NodeId> nodes;   // the nodes it touched
  std::int64_t start_ns;
  std::int64_t end_ns;         // -1 while active
};

class SimNemesis {
 public:
  SimNemesis(sim::Simulator& simulator, FaultMix mix);
  // Spawns one fiber per enabled kind; they stop injecting at `until_ns`.
  void start(std::int64_t until_ns);
  // Ends every active fault now (and restarts crashed nodes).
  void heal_all();
  const std::vector<FaultEvent>& timeline() const { return timeline_; }

 private:
  void run_kind(FaultKind kind, std::int64_t until_ns);
  std::size_t inject(FaultKind kind, sim::Prng& random);
  void heal(std::size_t event_index);
  std::size_t record(FaultKind kind, std::string detail, std::vector<NodeId> nodes);
  std::size_t inject_partition(sim::Prng& random);
  std::size_t inject_clock(sim::Prng& random, double strength);
  std::size_t inject_packet(sim::Prng& random, double strength);
  std::size_t inject_disk(sim::Prng& random, double strength);

  sim::Simulator& simulator_;
  FaultMix mix_;
  sim::Prng random_;
  std::vector<FaultEvent> timeline_;
  bool healed_ = false;
};

}  // namespace simlab::faults

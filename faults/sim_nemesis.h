// The nemesis in the simulator: a Nemesis acting through the simulator's
// fault hooks, its random stream the run seed's "nemesis" split.
#pragma once

#include <vector>

#include "faults/nemesis.h"
#include "faults/sim_nemesis_host.h"

namespace simlab::faults {

class SimNemesis {
 public:
  SimNemesis(sim::Simulator& simulator, FaultMix mix, std::vector<ScriptedFault> script,
             NemesisHooks hooks = {})
      : host_(simulator),
        nemesis_(host_, simulator.stream("nemesis"), std::move(mix), std::move(script),
                 std::move(hooks)) {}
  void start(std::int64_t until_ns) { nemesis_.start(until_ns); }
  void heal_all() { nemesis_.heal_all(); }
  const std::vector<FaultEvent>& timeline() const { return nemesis_.timeline(); }

 private:
  SimNemesisHost host_;
  Nemesis nemesis_;
};

}  // namespace simlab::faults

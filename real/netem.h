// Packet faults on a node's link through netem, set with libnl's route API
// inside the node's network namespace. A kernel without sch_netem (this
// machine's) refuses the qdisc: add_netem then says why, and the caller
// falls back to what iptables can do (loss) and records the rest as not
// applied.
#pragma once

#include <optional>
#include <string>

namespace simlab::real {

struct NetemSettings {
  double loss = 0, duplicate = 0, reorder = 0, corrupt = 0;  // probabilities
  std::int64_t delay_ns = 0;
};

// nullopt when the qdisc is in force, else the reason it is not.
std::optional<std::string> add_netem(const std::string& ns, const std::string& device,
                                     const NetemSettings& settings);
void remove_root_qdisc(const std::string& ns, const std::string& device);

}  // namespace simlab::real

// `simlab node`: one node of a system under test as a real process. The
// same state machine the simulator steps, driven here by an epoll loop:
// TCP frames from peers and clients, timers at the injected clock's rate,
// disk operations on the LazyDisk's thread, the nemesis's commands on the
// control socket. Nothing in the system's code knows which driver runs it.
//
// A SIMLAB_ASSERT that fires in a step ends the process (exit 70, the
// invariant on stderr and in the findings file), as an assert would; the
// harness restarts it. With check_invariants, each step's check_invariants()
// violations are written to DATA/findings.jsonl.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "real/connection.h"
#include "systems/common/node.h"

namespace simlab::real {

struct NodeProcessConfig {
  NodeId id = 0;
  Address listen;
  std::map<NodeId, Address> peers;  // every node of the cluster, this one included
  std::string data_dir;
  std::uint64_t seed = 1;
  std::set<std::string> bugs;
  std::string options_json;
  bool buggify = false;
  bool check_invariants = true;
};

inline constexpr const char* kFindingsFileName = "findings.jsonl";
// The system's audit trail (NodeContext::audit), one JSON object a line.
inline constexpr const char* kAuditFileName = "audit.jsonl";

// Runs until SIGTERM or SIGINT (exit 0) or a failed assertion (exit 70).
int run_node_process(const NodeProcessConfig& config, const SystemFactory& factory);

}  // namespace simlab::real

// Running the host's own tools (ip, iptables) for the real-node driver:
// argv, no shell, output captured, the exit status checked.
#pragma once

#include <string>
#include <vector>

namespace simlab::real {

struct CommandResult {
  int status = -1;     // the exit status (-1: it could not run)
  std::string output;  // stdout and stderr together
};

CommandResult run_command(const std::vector<std::string>& argv);
// Runs it and throws std::runtime_error with its output unless it exits 0.
void run_checked(const std::vector<std::string>& argv);
// Runs `argv` inside network namespace `ns` (ip netns exec).
std::vector<std::string> in_namespace(const std::string& ns, std::vector<std::string> argv);

}  // namespace simlab::real

#include "tests/real/real_support.h"

#include <sstream>

#include "real/cluster.h"
#include "real/host_commands.h"

namespace simlab::real::testing {

std::string unavailable_reason() {
  try {
    check_real_nodes_available();
    return "";
  } catch (const RealUnavailable& error) {
    return error.what();
  }
}

std::vector<std::string> leftovers() {
  std::vector<std::string> found;
  std::istringstream namespaces(run_command({"ip", "netns", "list"}).output);
  std::string line;
  while (std::getline(namespaces, line)) {
    if (line.rfind(kRunPrefix, 0) == 0 && line.rfind("slprobe", 0) != 0)
      found.push_back("namespace " + line);
  }
  std::istringstream processes(run_command({"pgrep", "-a", "-f", "simlab node"}).output);
  while (std::getline(processes, line)) {
    if (line.find("pgrep") == std::string::npos) found.push_back("process " + line);
  }
  return found;
}

}  // namespace simlab::real::testing

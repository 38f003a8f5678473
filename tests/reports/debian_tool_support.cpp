#include "tests/reports/debian_tool_support.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

namespace simlab::reports::testing {

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 65536> buffer;
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), read);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

DebianTool install_debian_tool(std::string_view group,
                               std::initializer_list<std::string_view> paths) {
  DebianTool found;
  // ctest runs test processes in parallel: the lock keeps two apt-gets from racing for dpkg's lock.
  const CommandResult install = run_command(
      fmt::format("flock /tmp/simlab-install-deps.lock bash '{}/tools/install-deps.sh' {} 2>&1",
                  SIMLAB_SOURCE_DIR, group));
  for (const std::string_view path : paths) {
    if (std::filesystem::exists(path)) {
      found.binary = path;
      return found;
    }
  }
  if (install.exit_code == 69) {  // EX_UNAVAILABLE: not root, so apt-get cannot run
    found.skip = true;
    found.why_unavailable = fmt::format(
        "SKIPPED: the '{}' packages are not installed and this user cannot install them (not "
        "root):\n{}",
        group, install.output);
  } else {
    found.why_unavailable =
        fmt::format("tools/install-deps.sh {} exited {} and none of {} was found:\n{}", group,
                    install.exit_code, fmt::join(paths, ", "), install.output);
  }
  return found;
}

}  // namespace simlab::reports::testing

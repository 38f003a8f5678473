#include "tests/harness/cli_support.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

namespace simlab::testing {

Ran run_simlab(const std::string& arguments) {
  const std::string command = fmt::format("{}/simlab {} 2>&1", SIMLAB_BINARY_DIR, arguments);
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::filesystem::path scratch_folder(const std::string& name) {
  const std::filesystem::path path =
      std::filesystem::path(SIMLAB_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path;
}

std::string write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace simlab::testing

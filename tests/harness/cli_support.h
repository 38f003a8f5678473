// Running the real simlab binary from a test: its exit code and everything
// it printed, and a scratch folder per test.
#pragma once

#include <filesystem>
#include <string>

namespace simlab::testing {

struct Ran {
  int exit_code;
  std::string output;  // stdout and stderr together
};

// Runs `simlab ARGUMENTS` (a shell command line) from the project root.
Ran run_simlab(const std::string& arguments);
// An empty folder under the build tree, fresh for each call.
std::filesystem::path scratch_folder(const std::string& name);
// Writes `text` to `path` and returns the path as a string.
std::string write_file(const std::filesystem::path& path, const std::string& text);

}  // namespace simlab::testing

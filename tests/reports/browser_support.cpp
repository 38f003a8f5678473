#include "tests/reports/browser_support.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace simlab::reports::testing {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

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

std::string find_chromium() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(candidate)) return candidate;
  }
  return "";
}

Browser install_and_find() {
  Browser found;
  // ctest runs test processes in parallel: the lock keeps two apt-gets from racing for dpkg's lock.
  const CommandResult install = run_command(fmt::format(
      "flock /tmp/simlab-install-deps.lock bash '{}/tools/install-deps.sh' browser 2>&1",
      SIMLAB_SOURCE_DIR));
  found.binary = find_chromium();
  if (!found.binary.empty()) return found;
  if (install.exit_code == 69) {  // EX_UNAVAILABLE: not root, so apt-get cannot run
    found.skip = true;
    found.why_unavailable =
        "SKIPPED: chromium is not installed and this user cannot install it (not root):\n" +
        install.output;
  } else {
    found.why_unavailable =
        fmt::format("tools/install-deps.sh browser exited {} and no chromium was found:\n{}",
                    install.exit_code, install.output);
  }
  return found;
}

std::string chromium_command(const std::string& arguments) {
  static int profile_number = 0;
  const std::string profile =
      scratch_dir(fmt::format("chromium-profile-{}-{}", getpid(), profile_number++));
  // Flags from issue 7: no sandbox (root in a container), no GPU, no first-run,
  // no background traffic; a fresh profile each time so no state leaks between tests.
  return fmt::format(
      "timeout 120 '{}' --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-background-networking "
      "--disable-component-update --disable-sync --user-data-dir='{}' {} 2>/dev/null",
      browser().binary, profile, arguments);
}

}  // namespace

const Browser& browser() {
  static const Browser found = install_and_find();
  return found;
}

std::string dump_dom(const std::string& url) {
  const CommandResult result = run_command(chromium_command(fmt::format("--dump-dom '{}'", url)));
  if (result.exit_code != 0 || result.output.empty()) {
    throw std::runtime_error(
        fmt::format("chromium --dump-dom {} exited {}", url, result.exit_code));
  }
  return result.output;
}

bool screenshot(const std::string& url, const std::string& png_path, int width, int height) {
  fs::remove(png_path);
  run_command(
      chromium_command(fmt::format("--hide-scrollbars --screenshot='{}' --window-size={},{} '{}'",
                                   png_path, width, height, url)));
  return fs::exists(png_path) && fs::file_size(png_path) > 10'000;
}

std::string file_url(const std::string& path) { return "file://" + fs::absolute(path).string(); }

std::string scratch_dir(const std::string& name) {
  const fs::path dir = fs::path(SIMLAB_BINARY_DIR) / "reports-test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

}  // namespace simlab::reports::testing

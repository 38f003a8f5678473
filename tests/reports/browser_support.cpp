#include "tests/reports/browser_support.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace simlab::reports::testing {
namespace {

namespace fs = std::filesystem;

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
  static const Browser found =
      install_debian_tool("browser", {"/usr/bin/chromium", "/usr/bin/chromium-browser"});
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

// A program from a Debian package that a test needs (chromium, node): the
// test installs it on first use through a tools/install-deps.sh group, so a
// fresh Debian 12 machine runs the test instead of skipping it.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace simlab::reports::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when the shell could not be started or was killed
  std::string output;  // the command's stdout
};

// Runs `command` through /bin/sh and waits for it.
CommandResult run_command(const std::string& command);

struct DebianTool {
  std::string binary;  // empty when unavailable
  std::string why_unavailable;
  bool skip = false;  // true only when it cannot be installed for want of root
};

// Runs `tools/install-deps.sh <group>` (which does nothing when the packages
// are there) and finds the first of `paths` that exists.
DebianTool install_debian_tool(std::string_view group,
                               std::initializer_list<std::string_view> paths);

}  // namespace simlab::reports::testing

// In a test: skips (root missing) or fails (install broken) when `tool`, a
// DebianTool, has no binary.
#define REQUIRE_DEBIAN_TOOL(tool)                                                \
  do {                                                                           \
    const ::simlab::reports::testing::DebianTool& tool_for_test = (tool);        \
    if (tool_for_test.skip) GTEST_SKIP() << tool_for_test.why_unavailable;       \
    ASSERT_FALSE(tool_for_test.binary.empty()) << tool_for_test.why_unavailable; \
  } while (false)

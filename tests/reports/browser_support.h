// Headless Chromium for the report tests: installed on first use through
// tools/install-deps.sh's browser group, started with a fresh empty profile
// and no network-facing services.
#pragma once

#include <optional>
#include <string>

namespace simlab::reports::testing {

struct Browser {
  std::string binary;  // empty when unavailable
  std::string why_unavailable;
  bool skip = false;  // true only when it cannot be installed for want of root
};

// Installs chromium when missing (once per process) and finds it.
const Browser& browser();

// The DOM after the page's scripts ran (chromium --dump-dom). Throws
// std::runtime_error when chromium fails.
std::string dump_dom(const std::string& url);

// Saves a PNG of the page at `width`x`height`; returns whether the file was written.
bool screenshot(const std::string& url, const std::string& png_path, int width, int height);

// file:// URL of a local path.
std::string file_url(const std::string& path);

// A fresh directory under the test build directory.
std::string scratch_dir(const std::string& name);

}  // namespace simlab::reports::testing

// In a test: skips (root missing) or fails (install broken) when there is no browser.
#define REQUIRE_BROWSER()                                                                \
  do {                                                                                   \
    const auto& chromium_for_test = ::simlab::reports::testing::browser();               \
    if (chromium_for_test.skip) GTEST_SKIP() << chromium_for_test.why_unavailable;       \
    ASSERT_FALSE(chromium_for_test.binary.empty()) << chromium_for_test.why_unavailable; \
  } while (false)

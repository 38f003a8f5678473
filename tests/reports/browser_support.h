// Headless Chromium for the report tests: installed on first use through
// tools/install-deps.sh's browser group, started with a fresh empty profile
// and no network-facing services.
#pragma once

#include <string>

#include "tests/reports/debian_tool_support.h"

namespace simlab::reports::testing {

using Browser = DebianTool;

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
#define REQUIRE_BROWSER() REQUIRE_DEBIAN_TOOL(::simlab::reports::testing::browser())

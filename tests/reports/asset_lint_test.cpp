// The pages' assets (reports/assets/) as a browser gets them: every script
// parses as JavaScript, and no asset can close the element it is inlined in.
// A slip in either leaves a blank report that no C++ test would notice.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/reports/debian_tool_support.h"

namespace simlab::reports::testing {
namespace {

namespace fs = std::filesystem;

const DebianTool& node() {
  static const DebianTool found = install_debian_tool("node", {"/usr/bin/node", "/usr/bin/nodejs"});
  return found;
}

// Sorted, so failures come in the same order on every machine.
std::vector<fs::path> assets_ending_in(const std::string& extension) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(fs::path(SIMLAB_SOURCE_DIR) / "reports/assets"))
    if (entry.path().extension() == extension) found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  return found;
}

std::string lowercase_text_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(std::istreambuf_iterator<char>(in), {});
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

TEST(ReportAssets, EveryScriptParsesAsJavaScript) {
  REQUIRE_DEBIAN_TOOL(node());
  const std::vector<fs::path> scripts = assets_ending_in(".js");
  ASSERT_FALSE(scripts.empty()) << "no .js files under reports/assets/";
  for (const fs::path& script : scripts) {
    const CommandResult check =
        run_command(fmt::format("'{}' --check '{}' 2>&1", node().binary, script.string()));
    EXPECT_EQ(check.exit_code, 0) << check.output;
  }
}

// An HTML parser ends a <script> at its first "</script" and a <style> at its
// first "</style", whatever the JavaScript or CSS around it means.
TEST(ReportAssets, NoAssetClosesTheElementItIsInlinedIn) {
  for (const auto& [extension, closing_tag] : {std::pair{".js", "</script"}, {".css", "</style"}}) {
    const std::vector<fs::path> assets = assets_ending_in(extension);
    EXPECT_FALSE(assets.empty()) << "no " << extension << " files under reports/assets/";
    for (const fs::path& asset : assets)
      EXPECT_EQ(lowercase_text_of(asset).find(closing_tag), std::string::npos)
          << asset << " contains " << closing_tag << ", which would end the page's inline element";
  }
}

}  // namespace
}  // namespace simlab::reports::testing

#include "reports/html_page.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "reports/page_assets.h"
#include "reports/script_json.h"

namespace simlab::reports {
namespace {

// A blank line before each inlined asset: the pages have always had it, and
// keeping it lets a new report diff clean against an old one.
void append_asset(std::string& page, std::string_view asset) {
  page += '\n';
  page += asset;
}

}  // namespace

std::string html_page(std::string_view title, std::string_view data_id, const nlohmann::json& data,
                      std::string_view script) {
  std::string page;
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<title>" + html_escape(title) + "</title>\n<style>\n";
  append_asset(page, kPageStyle);
  page +=
      "</style>\n</head>\n<body>\n<main id=\"app\"><noscript>This report draws itself with "
      "JavaScript; "
      "please allow scripts for this file.</noscript></main>\n";
  page += fmt::format("<script type=\"application/json\" id=\"{}\">", html_escape(data_id));
  page += json_for_script(data);
  page += "</script>\n<script>\n";
  append_asset(page, kPageHelpersScript);
  append_asset(page, script);
  page += "</script>\n</body>\n</html>\n";
  return page;
}

void write_text_file(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  std::error_code error;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), error);
  if (error)
    throw std::runtime_error(
        fmt::format("{}: cannot create ({})", target.parent_path().string(), error.message()));
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write", path));
  out << text;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: write failed", path));
}

}  // namespace simlab::reports

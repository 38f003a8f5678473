#include "reports/index_report.h"

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "reports/html_page.h"
#include "reports/page_assets.h"

namespace simlab::reports {
namespace {

std::string percent_encode_path(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved =
        std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

}  // namespace

std::string run_page_link(const std::string& out_dir, const std::string& run_dir) {
  if (run_dir.empty()) return "";
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path base = fs::weakly_canonical(fs::absolute(out_dir, error), error);
  const fs::path target =
      fs::weakly_canonical(fs::absolute(fs::path(run_dir) / "index.html", error), error);
  fs::path relative = error ? fs::path() : target.lexically_relative(base);
  if (relative.empty())
    relative = target;  // no relative path: an absolute one, still without a scheme
  std::string link = percent_encode_path(relative.generic_string());
  // "./" keeps a first segment from ever reading as a scheme or a network path.
  if (link.rfind("/", 0) != 0) link = "./" + link;
  return link;
}

nlohmann::json index_page_data(const std::vector<IndexRow>& rows, const std::string& out_dir,
                               const std::string& source) {
  nlohmann::json list = nlohmann::json::array();
  for (const IndexRow& row : rows) {
    list.push_back({{"system", row.system},
                    {"scenario", row.scenario},
                    {"workload", row.workload},
                    {"bug", row.bug},
                    {"verdict", row.verdict},
                    {"anomaly", row.anomaly},
                    {"detail", row.detail},
                    {"seed", std::to_string(row.seed)},  // a string: seeds exceed 2^53
                    {"ops", row.ops},
                    {"simulated_ns", row.simulated_ns},
                    {"wall_ms", row.wall_ms},
                    {"faults", row.fault_kinds},
                    {"link", run_page_link(out_dir, row.run_dir)}});
  }
  return {{"source", source}, {"rows", list}, {"shown_max", kIndexRowsShownMax}};
}

void write_index_report(const std::string& out_dir, const std::vector<IndexRow>& rows,
                        const std::string& source) {
  const std::string page = html_page("simlab runs: " + source, "index-data",
                                     index_page_data(rows, out_dir, source), kIndexPageScript);
  write_text_file((std::filesystem::path(out_dir) / "index.html").string(), page);
}

}  // namespace simlab::reports

// The index of many runs (`simlab report --db FILE --out DIR`): a table of
// runs to sort and filter by verdict, system and bug, each row linking to its
// run's page, and charts of verdicts per fault kind and per planted bug.
// Takes plain rows so it does not depend on the results store.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace simlab::reports {

inline constexpr std::size_t kIndexRowsShownMax =
    2000;  // table rows drawn at once; the page says so

struct IndexRow {
  std::string system;
  std::string scenario;
  std::string workload;
  std::string bug;      // "" for none
  std::string verdict;  // valid, safety-violation, unknown, liveness-failure, internal-error,
                        // crash, timeout
  std::string anomaly;
  std::string detail;
  std::uint64_t seed = 0;
  std::int64_t ops = 0;
  std::int64_t simulated_ns = 0;
  double wall_ms = 0;
  std::vector<std::string> fault_kinds;  // the kinds that were active
  std::string run_dir;                   // the run's folder, "" when it was not kept
};

// The link from a page in `out_dir` to RUN_DIR/index.html: a relative,
// percent-encoded path, so no run folder name can become a javascript: or
// other URL. "" when run_dir is "".
std::string run_page_link(const std::string& out_dir, const std::string& run_dir);

nlohmann::json index_page_data(const std::vector<IndexRow>& rows, const std::string& out_dir,
                               const std::string& source);

// Writes OUT_DIR/index.html. `source` names where the rows came from (the
// database file). Throws std::runtime_error naming the path on failure.
void write_index_report(const std::string& out_dir, const std::vector<IndexRow>& rows,
                        const std::string& source);

}  // namespace simlab::reports

// simlab report --db FILE --out DIR: writes DIR/index.html, the browsable
// index of every run in a results store (reports/index_report.h). A kept run
// folder that has no page yet (a store filled before pages existed) gets one.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "harness/commands/command.h"
#include "harness/commands/command_line.h"
#include "harness/results_store.h"
#include "reports/index_report.h"
#include "reports/run_report.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

std::vector<std::string> split_kinds(const std::string& text) {
  std::vector<std::string> kinds;
  std::istringstream in(text);
  for (std::string kind; std::getline(in, kind, ',');) {
    if (!kind.empty()) kinds.push_back(kind);
  }
  return kinds;
}

reports::IndexRow index_row(const RunRow& row) {
  return {row.system,  row.scenario,     row.workload, row.bug,
          row.verdict, row.anomaly,      row.detail,   row.seed,
          row.ops,     row.simulated_ns, row.wall_ms,  split_kinds(row.fault_kinds),
          row.run_dir};
}

// Writes the run's page when its folder is there without one; a folder that
// cannot be paged is reported and left unlinked rather than failing the index.
void ensure_run_page(reports::IndexRow& row) {
  if (row.run_dir.empty()) return;
  const std::filesystem::path folder(row.run_dir);
  if (!std::filesystem::exists(folder / "result.json")) {
    row.run_dir.clear();
    return;
  }
  if (std::filesystem::exists(folder / "index.html")) return;
  try {
    reports::write_run_report(row.run_dir);
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "simlab report: no page for %s: %s\n", row.run_dir.c_str(), error.what());
    row.run_dir.clear();
  }
}

}  // namespace

int cmd_report(int argc, char** argv) {
  std::string db, out;
  po::options_description options("simlab report --db FILE --out DIR");
  options.add_options()("help,h", "show this help")("db", po::value(&db), "results store")(
      "out", po::value(&out), "folder for index.html (created if needed)");
  po::variables_map values;
  if (const auto code = parse_command_line("report", argc, argv, options, values)) return *code;
  if (db.empty() || out.empty()) {
    std::fprintf(
        stderr, "simlab report: --db FILE and --out DIR are required (see simlab report --help)\n");
    return kExitUsage;
  }
  if (!std::filesystem::exists(db)) {
    std::fprintf(stderr, "simlab report: %s: no such file\n", db.c_str());
    return kExitNoInput;
  }
  std::vector<reports::IndexRow> rows;
  try {
    ResultsStore store(db);
    for (const RunRow& row : store.rows()) rows.push_back(index_row(row));
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "simlab report: %s\n", error.what());
    return kExitDataError;
  }
  for (reports::IndexRow& row : rows) ensure_run_page(row);
  try {
    reports::write_index_report(out, rows, db);
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "simlab report: %s\n", error.what());
    return kExitCantCreate;
  }
  std::printf("%zu runs: %s\n", rows.size(), (std::filesystem::path(out) / "index.html").c_str());
  return kExitValid;
}

}  // namespace simlab

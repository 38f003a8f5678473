// simlab runs --db FILE [--verdict V] [--limit N]: lists stored runs.
// simlab merge A.db B.db... --out C.db: joins results stores (shards).
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "harness/commands/command.h"
#include "harness/commands/command_line.h"
#include "harness/results_store.h"

namespace simlab {

namespace po = boost::program_options;

int cmd_runs(int argc, char** argv) {
  std::string db, verdict;
  std::int64_t limit = 50;
  po::options_description options("simlab runs --db FILE [options]");
  options.add_options()("help,h", "show this help")("db", po::value(&db), "results store")(
      "verdict", po::value(&verdict), "only runs with this verdict (valid, safety-violation, ...)")(
      "limit", po::value(&limit), "at most this many rows, newest first (default 50; -1 for all)");
  po::variables_map values;
  if (const auto code = parse_command_line("runs", argc, argv, options, values)) return *code;
  if (db.empty() || !std::filesystem::exists(db)) {
    std::fprintf(stderr, "simlab runs: %s\n",
                 db.empty() ? "--db FILE is required" : (db + ": no such file").c_str());
    return db.empty() ? kExitUsage : kExitNoInput;
  }
  try {
    ResultsStore store(db);
    std::printf("%-8s %-10s %-24s %-18s %-28s %8s  %s\n", "seed", "system", "bug", "verdict",
                "anomaly", "ops", "replay");
    for (const auto& row : store.rows(verdict, limit)) {
      std::printf("%-8llu %-10s %-24s %-18s %-28s %8lld  %s\n",
                  static_cast<unsigned long long>(row.seed), row.system.c_str(), row.bug.c_str(),
                  row.verdict.c_str(), row.anomaly.c_str(), static_cast<long long>(row.ops),
                  row.replay.c_str());
    }
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "simlab runs: %s\n", error.what());
    return kExitDataError;
  }
  return kExitValid;
}

int cmd_merge(int argc, char** argv) {
  std::string out;
  std::vector<std::string> inputs;
  po::options_description options("simlab merge A.db B.db... --out C.db");
  options.add_options()("help,h", "show this help")("out", po::value(&out), "the merged store")(
      "input", po::value(&inputs), "stores to merge");
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map values;
  if (const auto code = parse_command_line("merge", argc, argv, options, values, &positional))
    return *code;
  if (out.empty() || inputs.empty()) {
    std::fprintf(stderr, "simlab merge: need input stores and --out FILE\n");
    return kExitUsage;
  }
  try {
    ResultsStore merged(out);
    for (const auto& input : inputs) {
      if (!std::filesystem::exists(input)) {
        std::fprintf(stderr, "simlab merge: %s: no such file\n", input.c_str());
        return kExitNoInput;
      }
      std::printf("%s: %lld new runs\n", input.c_str(),
                  static_cast<long long>(merged.merge_from(input)));
    }
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "simlab merge: %s\n", error.what());
    return kExitDataError;
  }
  return kExitValid;
}

}  // namespace simlab

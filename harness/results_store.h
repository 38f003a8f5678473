// The results store: one SQLite row per finished run, written the moment the
// run finishes, in WAL mode, so a swarm killed with SIGKILL loses no finished
// run. A run is keyed by (scenario_key, seed): rerunning a swarm skips the
// seeds already recorded, and merging shards never duplicates a run.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

struct sqlite3;

namespace simlab {

struct RunRow {
  std::string scenario_key;  // hash of the unresolved scenario: one swarm
  std::uint64_t seed = 0;
  std::string system;
  std::string scenario;
  std::string workload;
  std::string bug;
  std::string verdict;  // run_verdict_name(), or "crash" / "timeout" for a worker that died or hung
  int exit_code = 0;
  std::string anomaly;
  std::string detail;
  std::string trace_hash;
  std::int64_t ops = 0;
  std::int64_t events = 0;
  std::int64_t simulated_ns = 0;
  double wall_ms = 0;
  std::string fault_kinds;  // comma-separated kinds that were active
  std::string run_dir;      // where the run folder was kept ("" when not kept)
  std::string replay;       // the command that replays it
  std::string judges;       // comma-separated judges that ran: history,nodes,observer
  std::string caught_by;    // comma-separated judges that found a safety violation
  std::string white_box_anomaly;  // the invariant a white-box judge saw broken
  bool buggify = false;
};

class ResultsStore {
 public:
  // Opens (creating if needed) the store. Throws std::runtime_error naming
  // the file when it cannot.
  explicit ResultsStore(const std::string& path);
  ~ResultsStore();
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;

  // Inserts a row (ignored if (scenario_key, seed) is already recorded);
  // durable when it returns.
  void record(const RunRow& row);
  std::set<std::uint64_t> recorded_seeds(const std::string& scenario_key) const;
  // Rows, newest first; `verdict` filters when not empty.
  std::vector<RunRow> rows(const std::string& verdict = "", std::int64_t limit = -1) const;
  // Copies every row of another store in (duplicates ignored); returns how many were new.
  std::int64_t merge_from(const std::string& other_path);

 private:
  void execute(const char* sql) const;
  void add_missing_columns();
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace simlab

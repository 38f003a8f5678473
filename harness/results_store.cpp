#include "harness/results_store.h"

#include <sqlite3.h>

#include <stdexcept>

#include <fmt/format.h>

namespace simlab {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  scenario_key TEXT NOT NULL,
  seed INTEGER NOT NULL,
  system TEXT NOT NULL,
  scenario TEXT NOT NULL,
  workload TEXT NOT NULL,
  bug TEXT NOT NULL,
  verdict TEXT NOT NULL,
  exit_code INTEGER NOT NULL,
  anomaly TEXT NOT NULL,
  detail TEXT NOT NULL,
  trace_hash TEXT NOT NULL,
  ops INTEGER NOT NULL,
  events INTEGER NOT NULL,
  simulated_ns INTEGER NOT NULL,
  wall_ms REAL NOT NULL,
  fault_kinds TEXT NOT NULL,
  run_dir TEXT NOT NULL,
  replay TEXT NOT NULL,
  recorded INTEGER NOT NULL,
  PRIMARY KEY (scenario_key, seed)
);
CREATE INDEX IF NOT EXISTS runs_by_verdict ON runs (verdict);
)sql";

// Columns added after the first schema, with their defaults: a store
// written by an older simlab gains them when it is opened.
constexpr std::pair<const char*, const char*> kAddedColumns[] = {
    {"judges", "TEXT NOT NULL DEFAULT ''"},
    {"caught_by", "TEXT NOT NULL DEFAULT ''"},
    {"white_box_anomaly", "TEXT NOT NULL DEFAULT ''"},
    {"buggify", "INTEGER NOT NULL DEFAULT 0"},
};

constexpr const char* kColumns =
    "scenario_key, seed, system, scenario, workload, bug, verdict, exit_code, anomaly, detail, "
    "trace_hash, ops, "
    "events, simulated_ns, wall_ms, fault_kinds, run_dir, replay, judges, caught_by, "
    "white_box_anomaly, buggify";

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(fmt::format("results store: {} ({})", sqlite3_errmsg(db), sql));
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  sqlite3_stmt* get() { return statement_; }
  void text(int index, const std::string& value) {
    sqlite3_bind_text(statement_, index, value.c_str(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void integer(int index, std::int64_t value) { sqlite3_bind_int64(statement_, index, value); }
  void real(int index, double value) { sqlite3_bind_double(statement_, index, value); }
  bool step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    throw std::runtime_error(fmt::format("results store: {}", sqlite3_errmsg(db_)));
  }
  std::string column_text(int index) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, index));
    return text ? text : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace

ResultsStore::ResultsStore(const std::string& path) : path_(path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(fmt::format("{}: cannot open the results store ({})", path, message));
  }
  sqlite3_busy_timeout(db_, 10'000);
  // WAL: a committed row is in the log file before record() returns, so a
  // SIGKILL of this process loses nothing that was recorded.
  execute("PRAGMA journal_mode=WAL");
  execute("PRAGMA synchronous=NORMAL");
  execute(kSchema);
  add_missing_columns();
}

void ResultsStore::add_missing_columns() {
  std::set<std::string> present;
  Statement columns(db_, "PRAGMA table_info(runs)");
  while (columns.step()) present.insert(columns.column_text(1));
  for (const auto& [name, type] : kAddedColumns) {
    if (!present.contains(name))
      execute(fmt::format("ALTER TABLE runs ADD COLUMN {} {}", name, type).c_str());
  }
}

ResultsStore::~ResultsStore() { sqlite3_close(db_); }

void ResultsStore::execute(const char* sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error(fmt::format("{}: {}", path_, message));
  }
}

void ResultsStore::record(const RunRow& row) {
  Statement insert(
      db_,
      fmt::format("INSERT OR IGNORE INTO runs ({}, recorded) VALUES "
                  "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,"
                  "strftime('%s','now'))",
                  kColumns)
          .c_str());
  insert.text(1, row.scenario_key);
  insert.integer(2, static_cast<std::int64_t>(row.seed));
  insert.text(3, row.system);
  insert.text(4, row.scenario);
  insert.text(5, row.workload);
  insert.text(6, row.bug);
  insert.text(7, row.verdict);
  insert.integer(8, row.exit_code);
  insert.text(9, row.anomaly);
  insert.text(10, row.detail);
  insert.text(11, row.trace_hash);
  insert.integer(12, row.ops);
  insert.integer(13, row.events);
  insert.integer(14, row.simulated_ns);
  insert.real(15, row.wall_ms);
  insert.text(16, row.fault_kinds);
  insert.text(17, row.run_dir);
  insert.text(18, row.replay);
  insert.text(19, row.judges);
  insert.text(20, row.caught_by);
  insert.text(21, row.white_box_anomaly);
  insert.integer(22, row.buggify ? 1 : 0);
  insert.step();
}

std::set<std::uint64_t> ResultsStore::recorded_seeds(const std::string& scenario_key) const {
  Statement query(db_, "SELECT seed FROM runs WHERE scenario_key = ?1");
  query.text(1, scenario_key);
  std::set<std::uint64_t> seeds;
  while (query.step()) seeds.insert(static_cast<std::uint64_t>(sqlite3_column_int64(query.get(), 0)));
  return seeds;
}

std::vector<RunRow> ResultsStore::rows(const std::string& verdict, std::int64_t limit) const {
  Statement query(db_, fmt::format("SELECT {} FROM runs WHERE (?1 = '' OR verdict = ?1) "
                                   "ORDER BY recorded DESC, seed DESC LIMIT ?2",
                                   kColumns)
                           .c_str());
  query.text(1, verdict);
  query.integer(2, limit);
  std::vector<RunRow> rows;
  while (query.step()) {
    RunRow row;
    row.scenario_key = query.column_text(0);
    row.seed = static_cast<std::uint64_t>(sqlite3_column_int64(query.get(), 1));
    row.system = query.column_text(2);
    row.scenario = query.column_text(3);
    row.workload = query.column_text(4);
    row.bug = query.column_text(5);
    row.verdict = query.column_text(6);
    row.exit_code = sqlite3_column_int(query.get(), 7);
    row.anomaly = query.column_text(8);
    row.detail = query.column_text(9);
    row.trace_hash = query.column_text(10);
    row.ops = sqlite3_column_int64(query.get(), 11);
    row.events = sqlite3_column_int64(query.get(), 12);
    row.simulated_ns = sqlite3_column_int64(query.get(), 13);
    row.wall_ms = sqlite3_column_double(query.get(), 14);
    row.fault_kinds = query.column_text(15);
    row.run_dir = query.column_text(16);
    row.replay = query.column_text(17);
    row.judges = query.column_text(18);
    row.caught_by = query.column_text(19);
    row.white_box_anomaly = query.column_text(20);
    row.buggify = sqlite3_column_int(query.get(), 21) != 0;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::int64_t ResultsStore::merge_from(const std::string& other_path) {
  { const ResultsStore upgrade(other_path); }  // brings an older store's columns up to date
  Statement attach(db_, "ATTACH DATABASE ?1 AS other");
  attach.text(1, other_path);
  attach.step();
  const int before = sqlite3_total_changes(db_);
  try {
    execute(fmt::format(
                "INSERT OR IGNORE INTO runs ({0}, recorded) SELECT {0}, recorded FROM other.runs",
                kColumns)
                .c_str());
  } catch (...) {
    execute("DETACH DATABASE other");
    throw;
  }
  const int added = sqlite3_total_changes(db_) - before;
  execute("DETACH DATABASE other");
  return added;
}

}  // namespace simlab

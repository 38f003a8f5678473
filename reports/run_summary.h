// What a run page says about a run besides its history: who ran what, the
// verdict and why, the faults. A simulator run fills it from result.json;
// `simlab check --report` fills only the checker's part.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace simlab::reports {

struct FaultPeriod {
  std::string kind;                 // partition, crash, clock, ...
  std::string detail;               // one line for a person
  std::vector<std::int64_t> nodes;  // empty: the whole cluster
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};

struct RunSummary {
  std::string title;   // the page's name for the run
  std::string system;  // empty for a plain history file
  std::string scenario;
  std::string workload;
  std::string model;  // the consistency model, when known
  std::string bug;    // the planted bug, "" for none
  std::optional<std::uint64_t> seed;
  std::string
      verdict;  // valid, safety-violation, unknown, liveness-failure, internal-error, invalid
  std::string anomaly;               // invariant name, "linearizability", "liveness", ...
  std::string detail;                // why, in one line
  std::optional<std::int64_t> node;  // where an invariant broke
  std::int64_t failure_time_ns = -1;
  nlohmann::json explanation;  // the history checker's (linearizability's or the queue's), or null
  nlohmann::json story;        // a shrunk run's causal story (harness/story), or null
  nlohmann::json audit;        // the systems' audit trail {records, dropped}, or null
  std::string trace_hash;
  std::int64_t simulated_ns = -1;
  std::int64_t heal_ns = -1;  // when the liveness phase began
  double wall_ms = -1;
  std::vector<FaultPeriod> faults;
  // The judges (result.json "judges"): which ran, which caught the run, and
  // the white-box finding beside the history's, for a person to compare.
  std::vector<std::string> judges_ran;
  std::vector<std::string> caught_by;
  std::string white_box;              // "INVARIANT: detail" when a white-box judge fired
  std::vector<std::string> commands;  // replay, shrink: for a person to copy
};

// Reads result.json's fields (harness/run_scenario.cpp outcome_to_json) and
// scenario.json's checker model. `folder` names the run in the commands.
// Throws std::runtime_error "FILE: what was expected" when a field is missing
// or has the wrong type.
RunSummary summary_from_result(const nlohmann::json& result, const nlohmann::json& scenario,
                               const std::string& folder, const std::string& file_name);

// A shell word for `text`: unchanged when it is plain, else single-quoted.
std::string shell_quote(const std::string& text);

}  // namespace simlab::reports

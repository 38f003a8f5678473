// Data-driven tests in the style of etcd raft's testdata: a file of
// commands, each followed by "----" and the output it must produce.
// SIMLAB_REWRITE=1 rewrites the expected output from what the code does.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/raft/test_cluster.h"

namespace simlab::testing {

struct TranscriptCommand {
  std::string name;
  std::map<std::string, std::string> args;
  std::vector<std::string> positional;
};
TranscriptCommand parse_command(const std::string& line);

class TranscriptRunner {
 public:
  // Runs one command and returns its output lines (never empty: "ok").
  std::vector<std::string> run(const TranscriptCommand& command);

 private:
  std::vector<std::string> run_cluster_command(const TranscriptCommand& command);
  std::vector<std::string> run_client_command(const TranscriptCommand& command);
  std::vector<std::string> status(const TranscriptCommand& command) const;
  std::unique_ptr<TestCluster> cluster_;
  std::map<std::uint64_t, std::uint64_t> sequences_;
};

struct TranscriptResult {
  std::string expected;
  std::string actual;
};
// Replays the file; returns its text as written and as produced.
TranscriptResult run_transcript(const std::string& path);

}  // namespace simlab::testing

// Raft under a full disk (ENOSPC) and a failing one (EIO): a node that
// cannot write stops acknowledging and never pretends. With every disk full
// no write can be acknowledged; once the disks have room again the cluster
// serves writes; the history stays linearizable and no white-box judge fires.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/run/run_scenario.h"

namespace simlab {
namespace {

constexpr std::int64_t kFullFromNs = 1'500'000'000;
constexpr std::int64_t kFullForNs = 1'000'000'000;

Scenario full_disks_scenario() {
  nlohmann::json timeline = nlohmann::json::array();
  for (int node = 1; node <= 5; ++node) {
    timeline.push_back(
        {{"at_ns", kFullFromNs}, {"duration_ns", kFullForNs}, {"kind", "enospc"}, {"node", node}});
  }
  timeline.push_back({{"at_ns", 3'000'000'000},
                      {"duration_ns", 500'000'000},
                      {"kind", "eio"},
                      {"node", 2},
                      {"read_error", 0.3},
                      {"write_error", 0.3}});
  return parse_scenario({{"name", "disks-full"},
                         {"system", "raft"},
                         {"nodes", 5},
                         {"clients", 5},
                         {"safety_ms", 4000},
                         {"liveness_ms", 4000},
                         {"op_timeout_ms", 1000},
                         {"timeline", timeline},
                         {"system_options", {{"raft", {{"election_ticks", 6}}}}}});
}

TEST(DiskFull, NoWriteIsAcknowledgedWhileEveryDiskIsFullAndServiceResumes) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const RunOutcome outcome = run_scenario(resolve_scenario(full_disks_scenario(), seed));
    EXPECT_EQ(outcome.verdict, RunVerdict::valid)
        << "seed " << seed << ": " << outcome.anomaly << " " << outcome.detail;
    std::map<std::int64_t, std::int64_t> invoked_at;  // process -> time of its pending invoke
    std::size_t during = 0, after = 0;
    // Margin for writes already on disk when the disks filled.
    const std::int64_t window_start_ns = kFullFromNs + 50'000'000,
                       window_end_ns = kFullFromNs + kFullForNs;
    for (const history::Op& op : outcome.history) {
      if (op.type == history::OpType::invoke) {
        invoked_at[op.process] = op.time;
        continue;
      }
      if (op.type != history::OpType::ok || op.f == "read") continue;
      const std::int64_t invoked = invoked_at[op.process];
      during += invoked >= window_start_ns && op.time <= window_end_ns;
      after += invoked > window_end_ns;
    }
    EXPECT_EQ(during, 0u) << "seed " << seed
                          << ": writes acknowledged while no disk could take them";
    EXPECT_GT(after, 0u) << "seed " << seed
                         << ": no write acknowledged after the disks had room again";
  }
}

}  // namespace
}  // namespace simlab

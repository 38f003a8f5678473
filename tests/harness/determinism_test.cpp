// Same seed, same trace hash: 200 seeds of the demonstration system, each run
// twice in this process and once more in a second process (this test binary
// started again), all with equal hashes and verdicts.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <unistd.h>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "harness/run/run_scenario.h"

namespace simlab {
namespace {

constexpr std::uint64_t kSeeds = 200;
constexpr const char* kChildVariable = "SIMLAB_DETERMINISM_CHILD";

Scenario short_scenario(std::uint64_t seed) {
  Scenario scenario = register_demo_scenario();
  scenario.safety_ms = 1'000;
  scenario.liveness_ms = 2'000;
  scenario.swarm = true;  // the swarm's choice must replay too
  return resolve_scenario(scenario, seed);
}

std::string fingerprint(const RunOutcome& outcome) {
  return fmt::format("{:016x} {} {}", outcome.trace_hash, run_verdict_name(outcome.verdict),
                     outcome.history.size());
}

// Prints one line per seed; runs only inside the child process.
TEST(DeterminismChild, PrintFingerprints) {
  if (std::getenv(kChildVariable) == nullptr) GTEST_SKIP() << "runs only as the second process";
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    std::printf("FINGERPRINT %llu %s\n", static_cast<unsigned long long>(seed),
                fingerprint(run_scenario(short_scenario(seed))).c_str());
  }
}

std::map<std::uint64_t, std::string> fingerprints_from_second_process() {
  const std::string command =
      fmt::format("{}=1 /proc/{}/exe --gtest_filter=DeterminismChild.PrintFingerprints", kChildVariable, getpid());
  std::map<std::uint64_t, std::string> result;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return result;
  char line[512];
  while (std::fgets(line, sizeof line, pipe.get()) != nullptr) {
    unsigned long long seed = 0;
    char hash[32], verdict[64];
    std::size_t ops = 0;
    if (std::sscanf(line, "FINGERPRINT %llu %31s %63s %zu", &seed, hash, verdict, &ops) == 4) {
      result[seed] = fmt::format("{} {} {}", hash, verdict, ops);
    }
  }
  return result;
}

TEST(Determinism, TwoHundredSeedsReplayInThisProcessAndAnother) {
  const auto other = fingerprints_from_second_process();
  ASSERT_EQ(other.size(), kSeeds) << "the second process did not report every seed";
  std::size_t distinct_hashes = 0;
  std::string previous;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const std::string first = fingerprint(run_scenario(short_scenario(seed)));
    const std::string second = fingerprint(run_scenario(short_scenario(seed)));
    EXPECT_EQ(first, second) << "seed " << seed << " differs within one process";
    EXPECT_EQ(first, other.at(seed)) << "seed " << seed << " differs across processes";
    distinct_hashes += first != previous;
    previous = first;
  }
  EXPECT_EQ(distinct_hashes, kSeeds);  // seeds really are different runs
}

TEST(Determinism, CheckDeterminismNamesTheFirstDifferingEvent) {
  sim::TraceRecord a{10, sim::EventKind::message, 1, 0, 5, 100};
  sim::TraceRecord b{10, sim::EventKind::message, 1, 0, 6, 101};
  sim::TraceRecord c{20, sim::EventKind::timer, 2, 0, 7, 102};
  EXPECT_EQ(sim::first_difference({a, c}, {a, c}), -1);
  EXPECT_EQ(sim::first_difference({a, c}, {b, c}), 0);
  EXPECT_EQ(sim::first_difference({a, c}, {a}), 1);
}

}  // namespace
}  // namespace simlab

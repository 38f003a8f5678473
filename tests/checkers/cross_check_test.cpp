// Generated histories: linearizable by construction, and with injected bugs
// (stale reads, lost writes, duplicated appends) judged against a
// brute-force search; the unique-value fast path against the search.
#include <gtest/gtest.h>

#include <string>

#include "brute_force_support.h"
#include "checkers/linearizability/checker.h"
#include "checkers/linearizability/synthetic_history.h"

namespace simlab::linearizability {
namespace {

struct ModelCase {
  SyntheticModel synthetic;
  const char* name;
};

constexpr ModelCase kModels[] = {
    {SyntheticModel::register_rw, "register"}, {SyntheticModel::cas_register, "cas-register"},
    {SyntheticModel::kv_append, "kv"},         {SyntheticModel::set, "set"},
    {SyntheticModel::queue, "fifo-queue"},     {SyntheticModel::counter, "counter"},
    {SyntheticModel::mutex, "mutex"},
};

CheckResult check(const history::History& history, const char* model, bool fast_path) {
  CheckOptions options;
  options.fast_path = fast_path;
  options.time_limit = std::chrono::seconds(20);
  return check_linearizability(history, *make_model_factory(model, history::Value()), options);
}

SyntheticOptions buggy(std::uint64_t seed, SyntheticModel model, int ops) {
  SyntheticOptions options;
  options.seed = seed;
  options.model = model;
  options.ops = ops;
  options.processes = 2 + static_cast<int>(seed % 3);
  options.keys = seed % 4 == 0 ? 2 : 0;
  options.unique_values = seed % 2 == 0;
  options.value_range = 3;
  options.info_probability = 0.1;
  options.fail_probability = 0.1;
  options.stale_read_probability = 0.25;
  options.lost_write_probability = 0.15;
  options.duplicate_append_probability = 0.2;
  return options;
}

TEST(CrossCheck, EveryVerdictOnSmallBuggyHistoriesMatchesBruteForce) {
  for (const ModelCase& model : kModels) {
    int invalid = 0;
    constexpr int kSeeds = 400;
    for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const history::History history = make_synthetic_history(buggy(seed, model.synthetic, 4 + seed % 6));
      const bool expected = testing::brute_force_linearizable(history, *make_model_factory(model.name, {}));
      const CheckResult result = check(history, model.name, true);
      ASSERT_NE(result.verdict, Verdict::unknown) << model.name << " seed " << seed;
      ASSERT_EQ(result.verdict == Verdict::valid, expected) << model.name << " seed " << seed << ": " << result.reason;
      invalid += !expected;
    }
    // The bugs must bite often enough for the comparison to mean something.
    EXPECT_GT(invalid, kSeeds / 20) << model.name;
    EXPECT_LT(invalid, kSeeds) << model.name;
  }
}

TEST(CrossCheck, HistoriesWithoutBugsAreValid) {
  for (const ModelCase& model : kModels) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      SyntheticOptions options;
      options.seed = seed;
      options.model = model.synthetic;
      options.ops = 150;
      options.processes = 2 + static_cast<int>(seed % 6);
      // The queue search is exponential in the enqueues no dequeue has shown
      // yet, as for any Wing-Gong search; keep its concurrency modest.
      if (model.synthetic == SyntheticModel::queue) options.processes = 2 + static_cast<int>(seed % 2);
      if (model.synthetic == SyntheticModel::set) options.processes = 2 + static_cast<int>(seed % 4);
      options.keys = seed % 3 == 0 ? 5 : 0;
      options.unique_values = seed % 2 == 0;
      options.info_probability = model.synthetic == SyntheticModel::queue ? 0.0 : 0.05;
      options.fail_probability = 0.05;
      const history::History history = make_synthetic_history(options);
      const CheckResult result = check(history, model.name, true);
      EXPECT_EQ(result.verdict, Verdict::valid) << model.name << " seed " << seed << ": " << result.reason;
    }
  }
}

TEST(CrossCheck, UniqueValueFastPathAgreesWithTheSearch) {
  int fast_path_used = 0;
  int invalid = 0;
  constexpr int kSeeds = 3000;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    SyntheticOptions options = buggy(seed, seed % 3 == 0 ? SyntheticModel::register_rw : SyntheticModel::cas_register,
                                     10 + static_cast<int>(seed % 40));
    options.unique_values = true;
    options.processes = 2 + static_cast<int>(seed % 5);
    const double bug_scale = (seed % 4) * 0.05;  // a quarter of the histories have no bugs
    options.stale_read_probability = bug_scale;
    options.lost_write_probability = bug_scale;
    const char* model = seed % 3 == 0 ? "register" : "cas-register";
    const history::History history = make_synthetic_history(options);
    const CheckResult fast = check(history, model, true);
    const CheckResult search = check(history, model, false);
    ASSERT_NE(search.verdict, Verdict::unknown) << "seed " << seed;
    ASSERT_EQ(fast.verdict, search.verdict) << "seed " << seed << ": " << fast.reason << " / " << search.reason;
    fast_path_used += fast.stats.fast_path_partitions > 0;
    invalid += fast.verdict == Verdict::invalid;
  }
  EXPECT_EQ(fast_path_used, kSeeds);  // with unique values it always decides
  EXPECT_GT(invalid, kSeeds / 5);
  EXPECT_LT(invalid, kSeeds * 4 / 5);
}

}  // namespace
}  // namespace simlab::linearizability

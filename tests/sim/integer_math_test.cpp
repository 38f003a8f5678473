// The schedule's logarithms and powers without libm: close to the libm
// values (which tests may use: they are only the yardstick), exact at the
// points that have exact answers, and fixed to the bit (golden values), so
// a change to the arithmetic that would reshuffle every seed shows here.
#include "sim/integer_math.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/latency_model.h"
#include "sim/prng.h"

namespace simlab::sim {
namespace {

double from_fixed(std::uint64_t value) {
  return static_cast<double>(value) / static_cast<double>(kOne);
}

TEST(IntegerMath, NegativeLog2IsExactAtPowersOfTwo) {
  EXPECT_EQ(negative_log2_fixed(UINT64_MAX), 0u);                         // u = 1
  EXPECT_EQ(negative_log2_fixed((std::uint64_t{1} << 63) - 1), kOne);     // u = 1/2
  EXPECT_EQ(negative_log2_fixed(0), std::uint64_t{64} << kFractionBits);  // u = 2^-64
}

TEST(IntegerMath, NegativeLog2IsCloseToLibm) {
  Prng random(7);
  for (int i = 0; i < 10'000; ++i) {
    const std::uint64_t draw = random.next_u64();
    const double u = (static_cast<double>(draw) + 1.0) / 18446744073709551616.0;
    EXPECT_NEAR(from_fixed(negative_log2_fixed(draw)), -std::log2(u), 1e-9) << draw;
  }
}

TEST(IntegerMath, Exp2IsCloseToLibmAndSaturates) {
  for (double y : {0.0, 0.25, 0.5, 1.0, 1.7, 3.3, 10.01, 20.5}) {
    EXPECT_NEAR(from_fixed(exp2_fixed(to_fixed(y))) / std::exp2(y), 1.0, 1e-9) << y;
  }
  EXPECT_EQ(exp2_fixed(to_fixed(0.0)), kOne);
  EXPECT_EQ(exp2_fixed(to_fixed(30.0)), static_cast<std::uint64_t>(INT64_MAX));
}

TEST(IntegerMath, ExponentialAndParetoDrawsHaveTheirMeans) {
  Prng random(11);
  const int draws = 50'000;
  double exponential_sum = 0, pareto_sum = 0;
  for (int i = 0; i < draws; ++i) {
    exponential_sum += static_cast<double>(exponential_draw(random.next_u64(), 1'000'000));
    pareto_sum +=
        static_cast<double>(pareto_draw(random.next_u64(), 1'000, to_fixed(3.0), INT64_MAX));
  }
  EXPECT_NEAR(exponential_sum / draws, 1'000'000, 20'000);  // mean 1e6, 4.5e3 standard error
  EXPECT_NEAR(pareto_sum / draws, 1'500, 60);               // alpha x_m / (alpha - 1)
}

// Golden values: these draws are part of every seed's schedule.
TEST(IntegerMath, DrawsAreFixedToTheBit) {
  EXPECT_EQ(exponential_draw(0x9E3779B97F4A7C15ull, 1'000'000'000),
            481'211'825);  // -ln(0.618..) = 0.4812..
  EXPECT_EQ(pareto_draw(0x0123456789ABCDEFull, 200'000, to_fixed(1.5), 500'000'000), 7'398'636);
  const LatencyModel tail = LatencyModel::pareto(200'000, 1.5, 500'000'000);
  Prng random(3);
  EXPECT_EQ(tail.sample(random), 245'752);
}

}  // namespace
}  // namespace simlab::sim

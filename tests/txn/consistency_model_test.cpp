#include "checkers/txn/consistency_model.h"

#include <gtest/gtest.h>

namespace simlab::txn {
namespace {

using enum ConsistencyModel;
using Models = std::vector<ConsistencyModel>;

TEST(ConsistencyModel, NamesRoundTrip) {
  for (auto model : {read_uncommitted, read_committed, repeatable_read, snapshot_isolation,
                     serializable, strict_serializable}) {
    EXPECT_EQ(parse_consistency_model(model_name(model)), model);
  }
  EXPECT_EQ(parse_consistency_model("serializability"), serializable);
  EXPECT_FALSE(parse_consistency_model("linearizable").has_value());
}

TEST(ConsistencyModel, LatticeFollowsAdyaAndElle) {
  EXPECT_TRUE(implies(strict_serializable, snapshot_isolation));
  EXPECT_TRUE(implies(serializable, repeatable_read));
  EXPECT_TRUE(implies(snapshot_isolation, read_committed));
  EXPECT_FALSE(implies(snapshot_isolation, repeatable_read));
  EXPECT_FALSE(implies(repeatable_read, snapshot_isolation));
  EXPECT_FALSE(implies(serializable, strict_serializable));
}

TEST(ConsistencyModel, WhichModelsRuleOutWhat) {
  EXPECT_FALSE(prohibits(snapshot_isolation, "G2-item"));
  EXPECT_TRUE(prohibits(snapshot_isolation, "G-nonadjacent"));
  EXPECT_TRUE(prohibits(snapshot_isolation, "lost-update"));
  EXPECT_FALSE(prohibits(serializable, "G2-item-realtime"));
  EXPECT_TRUE(prohibits(strict_serializable, "G0-process"));
  EXPECT_FALSE(prohibits(read_uncommitted, "G1a"));
  EXPECT_TRUE(prohibits(read_uncommitted, "G0"));
  EXPECT_TRUE(prohibits(read_uncommitted, "internal"));
}

TEST(ConsistencyModel, WeakestViolatedAsElleReportsThem) {
  EXPECT_EQ(weakest_violated({"G2-item"}), Models{repeatable_read});
  EXPECT_EQ(weakest_violated({"G2-item", "G-single"}),
            (Models{repeatable_read, snapshot_isolation}));
  EXPECT_EQ(weakest_violated({"G-single", "G1c"}), Models{read_committed});
  EXPECT_EQ(weakest_violated({"G2-item-realtime"}), Models{strict_serializable});
  EXPECT_EQ(weakest_violated({"G0", "G1a"}), Models{read_uncommitted});
  EXPECT_TRUE(weakest_violated({}).empty());
}

}  // namespace
}  // namespace simlab::txn

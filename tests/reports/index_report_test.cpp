// The index's data and its links to run pages.
#include "reports/index_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace simlab::reports {
namespace {

TEST(RunPageLink, IsRelativeToTheIndex) {
  EXPECT_EQ(run_page_link("/tmp/out", "/tmp/runs/seed-1"), "./../runs/seed-1/index.html");
  EXPECT_EQ(run_page_link("/tmp/out", "/tmp/out/seed-2"), "./seed-2/index.html");
  EXPECT_EQ(run_page_link("/tmp/out", ""), "");
}

TEST(RunPageLink, CannotBecomeAScriptOrNetworkUrl) {
  const std::string link = run_page_link("/tmp/out", "/tmp/out/javascript:alert(1)");
  EXPECT_EQ(link, "./javascript%3Aalert%281%29/index.html");
  EXPECT_EQ(run_page_link("/tmp/out", "/tmp/out/a \"b\"<c>"), "./a%20%22b%22%3Cc%3E/index.html");
}

TEST(IndexPageData, CarriesEveryRowWithSeedsAsText) {
  IndexRow row;
  row.system = "raft";
  row.verdict = "safety-violation";
  row.seed = 18'446'744'073'709'551'615ull;  // beyond a JavaScript number's exact range
  row.fault_kinds = {"crash", "partition"};
  row.run_dir = "/tmp/out/r";
  const nlohmann::json data = index_page_data({row, IndexRow{}}, "/tmp/out", "results.db");
  ASSERT_EQ(data["rows"].size(), 2u);
  EXPECT_EQ(data["rows"][0]["seed"], "18446744073709551615");
  EXPECT_EQ(data["rows"][0]["faults"], nlohmann::json({"crash", "partition"}));
  EXPECT_EQ(data["rows"][0]["link"], "./r/index.html");
  EXPECT_EQ(data["rows"][1]["link"], "");
  EXPECT_EQ(data["source"], "results.db");
}

}  // namespace
}  // namespace simlab::reports

// Every Porcupine history (../shared/testdata/porcupine) gets its published
// verdict, with and without the fast path.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "checkers/history/history_format.h"
#include "checkers/linearizability/checker.h"

namespace simlab::linearizability {
namespace {

const std::string kPorcupine = "../shared/testdata/porcupine/";

Verdict check_file(const std::string& path, history::Format format, std::string_view model, bool fast_path) {
  const std::string text = history::read_file(path);
  const history::History history = history::read_history(text, format, path);
  CheckOptions options;
  options.fast_path = fast_path;
  return check_linearizability(history, *make_model_factory(model, history::Value()), options).verdict;
}

std::map<std::string, std::string> expected_etcd_verdicts() {
  std::ifstream in(kPorcupine + "jepsen/EXPECTED.txt");
  std::map<std::string, std::string> expected;
  std::string file;
  std::string verdict;
  while (in >> file >> verdict) expected[file] = verdict;
  return expected;
}

TEST(TestdataVerdicts, EtcdLogsGetTheirPublishedVerdicts) {
  const auto expected = expected_etcd_verdicts();
  ASSERT_EQ(expected.size(), 102u);
  int linearizable = 0;
  for (const auto& [file, verdict] : expected) {
    ASSERT_TRUE(verdict == "linearizable" || verdict == "not-linearizable") << file;
    const Verdict want = verdict == "linearizable" ? Verdict::valid : Verdict::invalid;
    linearizable += want == Verdict::valid;
    EXPECT_EQ(check_file(kPorcupine + "jepsen/" + file, history::Format::jepsen_log, "cas-register", true), want)
        << file;
  }
  EXPECT_EQ(linearizable, 23);
}

TEST(TestdataVerdicts, EmptyEtcdLogIsTriviallyValid) {
  EXPECT_EQ(check_file(kPorcupine + "jepsen/etcd_095.log", history::Format::jepsen_log, "cas-register", true),
            Verdict::valid);
}

TEST(TestdataVerdicts, PorcupineKvFilesOkAreValidAndBadAreInvalid) {
  for (const char* clients : {"c01", "c10", "c50"}) {
    for (const bool fast_path : {true, false}) {
      const std::string base = kPorcupine + "kv/" + clients;
      EXPECT_EQ(check_file(base + "-ok.txt", history::Format::edn, "kv", fast_path), Verdict::valid) << base;
      EXPECT_EQ(check_file(base + "-bad.txt", history::Format::edn, "kv", fast_path), Verdict::invalid) << base;
    }
  }
}

}  // namespace
}  // namespace simlab::linearizability

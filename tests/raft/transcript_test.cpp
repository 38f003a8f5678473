// Replays every tests/raft/testdata/*.txt transcript (SIMLAB_REWRITE=1 to
// regenerate the expected output after an intended change; review the diff).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/raft/transcript.h"

namespace simlab::testing {
namespace {

std::vector<std::string> transcript_files() {
  std::vector<std::string> files;
  const std::filesystem::path dir = std::filesystem::path(SIMLAB_SOURCE_DIR) / "tests/raft/testdata";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path().stem().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Transcript : public ::testing::TestWithParam<std::string> {};

TEST_P(Transcript, MatchesExpectedOutput) {
  const std::string path =
      std::string(SIMLAB_SOURCE_DIR) + "/tests/raft/testdata/" + GetParam() + ".txt";
  const TranscriptResult result = run_transcript(path);
  const char* rewrite = std::getenv("SIMLAB_REWRITE");
  if (rewrite != nullptr && std::string(rewrite) == "1") {
    std::ofstream(path) << result.actual;
    return;
  }
  EXPECT_EQ(result.expected, result.actual) << "rerun with SIMLAB_REWRITE=1 to regenerate " << path;
}

INSTANTIATE_TEST_SUITE_P(Raft, Transcript, ::testing::ValuesIn(transcript_files()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace simlab::testing

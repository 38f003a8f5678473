// libFuzzer target for the jsonl history reader (tools/fuzz.sh builds and
// runs it). Any input must either read or throw ParseError; a crash, a leak
// or any other exception is a bug. What it reads is also checked, so the
// checker's compile step sees fuzzed histories too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkers/history/history_format.h"
#include "checkers/history/parse_error.h"
#include "checkers/linearizability/checker.h"
#include "checkers/linearizability/partition.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace simlab;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const history::History history = history::read_history(text, history::Format::jsonl, "fuzz");
    linearizability::CheckOptions options;
    options.time_limit = std::chrono::milliseconds(100);
    options.memory_limit_bytes = std::size_t{64} << 20;
    linearizability::check_linearizability(
        history, *linearizability::make_model_factory("cas-register", history::Value()), options);
  } catch (const history::ParseError&) {
  } catch (const linearizability::ModelError&) {
  }
  return 0;
}

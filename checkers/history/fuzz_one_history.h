// The body every history reader's libFuzzer target shares (tools/fuzz.sh
// builds and runs them). Any input must either read or throw ParseError; a
// crash, a leak or any other exception is a bug. What it reads is also
// checked, so the checker's compile step sees fuzzed histories too.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkers/history/history_format.h"
#include "checkers/history/parse_error.h"
#include "checkers/linearizability/checker.h"
#include "checkers/linearizability/partition.h"

namespace simlab::history {

inline int fuzz_one_history(const std::uint8_t* data, std::size_t size, Format format) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const History history = read_history(text, format, "fuzz");
    linearizability::CheckOptions options;
    options.time_limit = std::chrono::milliseconds(100);
    options.memory_limit_bytes = std::size_t{64} << 20;
    linearizability::check_linearizability(
        history, *linearizability::make_model_factory("cas-register", Value()), options);
  } catch (const ParseError&) {
  } catch (const linearizability::ModelError&) {
  }
  return 0;
}

}  // namespace simlab::history

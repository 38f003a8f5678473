// libFuzzer target for the jepsen_log history reader; the shared body is in
// fuzz_one_history.h.
#include "checkers/history/fuzz_one_history.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return simlab::history::fuzz_one_history(data, size, simlab::history::Format::jepsen_log);
}

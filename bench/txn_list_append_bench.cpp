// List-append histories of 10k, 100k and 1M transactions (5 micro-ops each,
// 100 active keys, 30 processes, keys retired after 32 appends), checked for
// strict serializability. Prints generation and check times and the peak
// resident set (getrusage ru_maxrss). Goal (issue 6): 1M in < 10 s, < 4 GiB.
//   txn_list_append_bench [MAX_TXNS]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "checkers/txn/synthetic_history.h"
#include "checkers/txn/txn_checker.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point began) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

}  // namespace

int main(int argc, char** argv) {
  using namespace simlab::txn;
  const long max_txns = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  std::printf("%10s %10s %10s %12s %10s %9s %14s\n", "txns", "gen_s", "check_s", "txns_per_s",
              "edges", "verdict", "peak_rss_mib");
  for (long count = 10'000; count <= max_txns; count *= 10) {
    SyntheticOptions options;
    options.seed = 42;
    options.txn_count = static_cast<std::uint32_t>(count);
    options.process_count = 30;
    options.active_keys = 100;
    options.ops_per_txn = 5;
    options.max_appends_per_key = 32;
    auto began = std::chrono::steady_clock::now();
    const TxnHistory history = generate_list_append(options);
    const double generate_s = seconds_since(began);
    began = std::chrono::steady_clock::now();
    TxnCheckOptions check;  // strict-serializable: ww/wr/rw, process and real-time edges
    const TxnCheckResult result = check_transactions(history, check);
    const double check_s = seconds_since(began);
    std::printf("%10ld %10.2f %10.2f %12.0f %10zu %9s %14.0f\n", count, generate_s, check_s,
                static_cast<double>(count) / check_s, result.graph->edge_count(),
                std::string(verdict_name(result.verdict)).c_str(), peak_rss_mib());
    std::fflush(stdout);
    if (result.verdict != Verdict::valid)
      return 1;  // the generator is serializable by construction
  }
  return 0;
}

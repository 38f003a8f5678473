// Z3 on rw-register histories whose version orders inference leaves open:
// the largest history the solver checks exactly (serializable, via
// solve_register_order) within 60 s. Sizes double from 250 transactions
// (4 micro-ops each, 10 active keys retired after 16 writes, 30 processes).
// Half the transactions take effect at invocation, so the solver's quick
// witness (completion order) fails and Z3 searches; histories are still
// strict serializable by construction. Sizes double until a check exceeds
// the limit or comes back unknown, or the next size would push the run past
// 4 minutes, so the bench always ends within a few minutes.
//   txn_register_solver_bench [LIMIT_S]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "checkers/txn/register_solver.h"
#include "checkers/txn/synthetic_history.h"

namespace {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

const char* outcome_name(simlab::txn::SolverResult::Outcome outcome) {
  using Outcome = simlab::txn::SolverResult::Outcome;
  return outcome == Outcome::satisfiable     ? "sat"
         : outcome == Outcome::unsatisfiable ? "unsat"
                                             : "unknown";
}

// Checks one size; prints a row; returns whether the answer was exact in time.
bool check_size(long count, double limit_s) {
  using namespace simlab::txn;
  SyntheticOptions options;
  options.seed = 7;
  options.txn_count = static_cast<std::uint32_t>(count);
  options.process_count = 30;
  options.active_keys = 10;
  options.ops_per_txn = 4;
  options.max_appends_per_key = 16;
  options.effect_at_invoke_fraction = 0.5;  // so completion order is no witness: Z3 must search
  const TxnHistory history = generate_rw_register(options);
  const SolverResult result = solve_register_order(history, SolverModel::serializable, limit_s);
  std::printf("%8ld %12zu %10.2f %8s %14.0f\n", count, result.constraints, result.elapsed_s,
              result.by_replay ? "replay" : outcome_name(result.outcome), peak_rss_mib());
  std::fflush(stdout);
  return result.outcome != SolverResult::Outcome::unknown && result.elapsed_s <= limit_s;
}

// Runs check_size in a child process that the kernel kills 15 s after the
// limit: on very large instances Z3 does not always honour its interrupt, and
// the bench must end regardless.
bool check_size_bounded(long count, double limit_s) {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    alarm(static_cast<unsigned>(limit_s) + 15);
    std::_Exit(check_size(count, limit_s) ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) {
    std::printf("%8ld %12s %10s %8s %14s\n", count, "-", "killed", "unknown", "-");
    return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const double limit_s = argc > 1 ? std::atof(argv[1]) : 60.0;
  const double total_s = 4 * limit_s;  // the whole run stays within a few minutes
  const auto began = std::chrono::steady_clock::now();
  auto spent_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  };
  std::printf("%8s %12s %10s %8s %14s\n", "txns", "constraints", "solve_s", "outcome",
              "peak_rss_mib");
  long exact = 0, failed = 0;
  // Doubling, then bisection between the last exact size and the first failure.
  for (long count = 250; failed == 0 && spent_s() + limit_s <= total_s; count *= 2) {
    (check_size_bounded(count, limit_s) ? exact : failed) = count;
  }
  while (failed - exact > 250 && spent_s() + limit_s <= total_s) {
    const long middle = (exact + failed) / 2 / 250 * 250;
    (check_size_bounded(middle, limit_s) ? exact : failed) = middle;
  }
  std::printf("largest history checked exactly within %.0f s: %ld transactions\n", limit_s, exact);
  return 0;
}

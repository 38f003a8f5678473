#include "harness/commands/judge_flags.h"

#include <fmt/format.h>

#include <stdexcept>

namespace simlab {

void add_judge_flags(boost::program_options::options_description& options, JudgeFlags& flags) {
  namespace po = boost::program_options;
  options.add_options()(
      "invariants", po::value(&flags.invariants),
      "white-box judges beside the history's checker: all (node invariants and the cluster "
      "observer, the default), nodes, or none (the history's checker alone, as Jepsen)")(
      "stop-at-first-violation", po::bool_switch(&flags.stop_at_first_violation),
      "end the run at the first broken invariant (default: run on, so the history is complete "
      "and judged too)");
}

void apply_judge_flags(const JudgeFlags& flags, RunOptions& options) {
  if (flags.stop_at_first_violation) options.stop_at_first_violation = true;
  if (flags.invariants.empty()) return;
  const auto judges = parse_invariant_judges(flags.invariants);
  if (!judges) {
    throw std::invalid_argument(
        fmt::format("--invariants: expected all, nodes or none, got '{}'", flags.invariants));
  }
  options.invariants = *judges;
}

}  // namespace simlab

// simlab check --model set-full [--linearizable] | g-counter | pn-counter |
//   convergence | causal | session | ccv [--format jsonl|edn|jepsen-log] [--json] FILE...
// Exit codes as for the other models: 0 all valid, 1 any invalid, 2 any
// unknown (set-full: nothing could be judged; convergence: no final reads),
// 65 malformed input, 66
// unreadable file, 64 bad flags.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "checkers/causal/causal_checker.h"
#include "checkers/convergence/convergence.h"
#include "checkers/counter/counter_checker.h"
#include "checkers/counter/counter_explanation.h"
#include "checkers/history/op_error.h"
#include "checkers/history/parse_error.h"
#include "checkers/set/set_full.h"
#include "checkers/set/set_full_explanation.h"
#include "harness/commands/check_eventual.h"
#include "harness/commands/check_outcome.h"
#include "harness/commands/check_simple_flags.h"
#include "harness/commands/command.h"

namespace simlab {
namespace {

namespace po = boost::program_options;
using Verdict = linearizability::Verdict;

struct Judged {
  Verdict verdict = Verdict::unknown;
  std::string text;
  nlohmann::json json;
};

Judged judge(const std::string& model, bool linearizable, const history::History& history) {
  if (const auto kind = counter::parse_counter_model(model)) {
    const auto result = counter::check_counter(history, *kind);
    return {result.verdict, counter::explain_text(result, *kind),
            counter::explain_json(result, *kind)};
  }
  if (const auto scope = causal::parse_causal_model(model)) {
    const auto result = causal::check_causal(history, *scope);
    return {result.verdict, causal::explain_text(result, *scope),
            causal::explain_json(result, *scope)};
  }
  if (model == convergence::kConvergenceModel) {
    const auto result = convergence::check_convergence(history);
    return {result.verdict, convergence::explain_text(result), convergence::explain_json(result)};
  }
  const auto result = set_full::check_set_full(history, {linearizable});
  return {result.verdict, set_full::explain_text(result), set_full::explain_json(result)};
}

FileOutcome check_file(const SimpleCheckFlags& flags, bool linearizable, const std::string& file) {
  const auto text = read_history_text(flags.json, file);
  if (!text) return FileOutcome::unreadable;
  try {
    const auto began = std::chrono::steady_clock::now();
    const auto format = flags.format ? *flags.format : history::detect_format(*text, file);
    Judged judged = judge(flags.model, linearizable, history::read_history(*text, format, file));
    const double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    if (flags.json) {
      judged.json["file"] = file;
      judged.json["elapsed-s"] = elapsed_s;
      std::cout << judged.json.dump() << "\n";
    } else {
      std::cout << fmt::format("{}: {:.3f} s, ", file, elapsed_s) << judged.text;
    }
    return file_outcome(judged.verdict);
  } catch (const history::ParseError& error) {
    report_bad_input(flags.json, file, error.what());
  } catch (const history::OpError& error) {
    report_bad_input(flags.json, file,
                     op_error_message(file, error.line(), error.position(), error.what()));
  }
  return FileOutcome::bad_input;
}

}  // namespace

int cmd_check_eventual(int argc, char** argv) {
  SimpleCheckFlags flags;
  po::options_description extra("set-full");
  extra.add_options()(
      "linearizable", po::bool_switch(),
      "set-full: a read that misses an element known to exist is invalid, not only stale");
  po::variables_map vm;
  if (const auto stop = parse_simple_check_flags(
          argc, argv,
          "simlab check --model set-full|g-counter|pn-counter|convergence|causal|session|ccv "
          "[options] "
          "FILE...",
          extra, flags, vm))
    return *stop;
  const bool linearizable = vm["linearizable"].as<bool>();
  if (linearizable && flags.model != "set-full")
    return *fail_check_usage("--linearizable is an option of --model set-full only");
  return check_each_file(
      flags.files, [&](std::size_t i) { return check_file(flags, linearizable, flags.files[i]); });
}

}  // namespace simlab

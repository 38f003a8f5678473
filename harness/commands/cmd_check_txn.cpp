// simlab check --model list-append|rw-register: the transactional isolation
// checker (checkers/txn) over history files.
//   simlab check --model list-append|rw-register [--consistency MODEL]
//                [--format jsonl|edn|jepsen-log] [--json] [--budget-s N]
//                [--sequential-keys] [--linearizable-keys] FILE...
// Exit codes as for the linearizability checker: 0 all valid, 1 any invalid,
// 2 any unknown (and none invalid), 65 malformed input, 66 unreadable file,
// 64 bad flags.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "checkers/history/history_format.h"
#include "checkers/history/parse_error.h"
#include "checkers/txn/explanation.h"
#include "checkers/txn/txn_checker.h"
#include "harness/commands/check_nil_read.h"
#include "harness/commands/check_outcome.h"
#include "harness/commands/check_txn.h"
#include "harness/commands/command.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

struct TxnFlags {
  txn::DataModel data_model = txn::DataModel::list_append;
  std::optional<history::Format> format;
  bool json = false;
  txn::TxnCheckOptions options;
  std::vector<std::string> files;
};

po::options_description txn_options() {
  po::options_description options("simlab check --model list-append|rw-register [options] FILE...");
  options.add_options()("help,h", "show this help")("model", po::value<std::string>(),
                                                    "list-append or rw-register")(
      "consistency", po::value<std::string>()->default_value("strict-serializable"),
      "read-uncommitted, read-committed, repeatable-read, snapshot-isolation, serializable, "
      "strict-serializable")("format", po::value<std::string>(),
                             "jsonl, edn or jepsen-log (default: detected)")(
      "json", po::bool_switch(), "print one JSON object per file instead of text")(
      "budget-s", po::value<double>()->default_value(60),
      "seconds the solver may spend on open register orders before the verdict is unknown")(
      "sequential-keys", po::bool_switch(), "rw-register: each process sees versions in order")(
      "linearizable-keys", po::bool_switch(), "rw-register: versions follow real-time order");
  return options;
}

// Returns the exit code to stop with, or nullopt to go on.
std::optional<int> fail_usage(const std::string& message) {
  std::fprintf(stderr, "simlab check: %s\n", message.c_str());
  return kExitUsage;
}

std::optional<int> parse_txn_flags(int argc, char** argv, TxnFlags& flags) {
  const po::options_description options = txn_options();
  po::options_description all;
  // --nil-read is the linearizability models' flag: taken here only to
  // refuse `any` in the same words (check_nil_read.h), so not in --help.
  all.add(options).add_options()("file", po::value<std::vector<std::string>>())(
      "nil-read", po::value<std::string>()->default_value("value"));
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    return fail_usage(error.what());
  }
  if (vm.count("help")) {
    std::cout << options
              << "\nexit: 0 all valid, 1 any invalid, 2 any unknown, 64 bad flags, 65 bad input\n";
    return kExitValid;
  }
  const std::string model = vm.count("model") ? vm["model"].as<std::string>() : "";
  if (model != "list-append" && model != "rw-register") {
    return fail_usage("expected --model list-append or rw-register");
  }
  flags.data_model =
      model == "list-append" ? txn::DataModel::list_append : txn::DataModel::rw_register;
  const auto nil_read = parse_nil_read(vm["nil-read"].as<std::string>());
  if (!nil_read) return fail_usage("expected --nil-read value or any");
  if (const auto misuse = nil_read_misuse(*nil_read, model)) return fail_usage(*misuse);
  const auto consistency = txn::parse_consistency_model(vm["consistency"].as<std::string>());
  if (!consistency)
    return fail_usage(
        "expected --consistency read-uncommitted, read-committed, "
        "repeatable-read, snapshot-isolation, serializable or strict-serializable");
  flags.options.model = *consistency;
  if (vm.count("format")) {
    flags.format = history::parse_format(vm["format"].as<std::string>());
    if (!flags.format) return fail_usage("expected --format jsonl, edn or jepsen-log");
  }
  flags.options.solver_budget_s = vm["budget-s"].as<double>();
  if (!(flags.options.solver_budget_s > 0)) return fail_usage("expected a positive --budget-s");
  flags.options.inference.sequential_keys = vm["sequential-keys"].as<bool>();
  flags.options.inference.linearizable_keys = vm["linearizable-keys"].as<bool>();
  flags.json = vm["json"].as<bool>();
  if (vm.count("file")) flags.files = vm["file"].as<std::vector<std::string>>();
  if (flags.files.empty()) return fail_usage("expected at least one history FILE");
  return std::nullopt;
}

// A history without one transaction is not a history of this data model
// (say a register history given --model list-append): saying "valid" about
// it would hide the mistake.
std::string no_transactions(const std::string& file, const history::History& ops,
                            txn::DataModel model) {
  const bool append = model == txn::DataModel::list_append;
  std::string message = fmt::format(
      "{}: holds no transactions for --model {}: expected ops with f txn whose value lists "
      "micro-ops such as {}; ",
      file, append ? "list-append" : "rw-register",
      append ? "[[:append 1 2] [:r 1 [2]]]" : "[[:w 1 2] [:r 1 2]]");
  if (ops.empty()) return message + "it holds no client ops";
  std::set<std::string> functions;
  for (const history::Op& op : ops) functions.insert(op.f);
  std::vector<std::string> names(functions.begin(), functions.end());
  constexpr std::size_t kNamesMax = 6;
  if (names.size() > kNamesMax) {
    names.resize(kNamesMax);
    names.back() = "...";
  }
  return message + fmt::format("its {} client ops have f {}", ops.size(), fmt::join(names, ", "));
}

void report(const TxnFlags& flags, const std::string& file, const txn::TxnHistory& txns,
            const txn::TxnCheckResult& result, double elapsed_s) {
  if (flags.json) {
    auto json = txn::explain_json(txns, result);
    json["file"] = file;
    json["elapsed-s"] = elapsed_s;
    std::cout << json.dump() << "\n";
    return;
  }
  std::cout << fmt::format("{}: {:.3f} s, ", file, elapsed_s) << txn::explain_text(txns, result);
}

FileOutcome check_file(const TxnFlags& flags, const std::string& file) {
  const auto read = read_history_text(flags.json, file);
  if (!read) return FileOutcome::unreadable;
  const std::string& text = *read;
  try {
    const auto began = std::chrono::steady_clock::now();
    const auto format = flags.format ? *flags.format : history::detect_format(text, file);
    const history::History ops = history::read_history(text, format, file);
    auto compiled = txn::compile_history(ops, flags.data_model);
    if (compiled.error) {
      const auto bad = std::find_if(ops.begin(), ops.end(), [&](const history::Op& op) {
        return op.index == compiled.error->op_index;
      });
      const std::int64_t line = bad == ops.end() ? 0 : bad->line;
      report_bad_input(flags.json, file,
                       fmt::format("{}:{}: {}", file, line, compiled.error->what));
      return FileOutcome::bad_input;
    }
    if (compiled.history.txns.empty()) {
      report_bad_input(flags.json, file, no_transactions(file, ops, flags.data_model));
      return FileOutcome::bad_input;
    }
    const auto result = txn::check_transactions(compiled.history, flags.options);
    report(flags, file, compiled.history, result,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    switch (result.verdict) {
      case txn::Verdict::valid:
        return FileOutcome::valid;
      case txn::Verdict::invalid:
        return FileOutcome::invalid;
      case txn::Verdict::unknown:
        return FileOutcome::unknown;
    }
  } catch (const history::ParseError& error) {
    report_bad_input(flags.json, file, error.what());
  }
  return FileOutcome::bad_input;
}

}  // namespace

int cmd_check_txn(int argc, char** argv) {
  TxnFlags flags;
  if (const auto stop = parse_txn_flags(argc, argv, flags)) return *stop;
  return check_each_file(flags.files,
                         [&](std::size_t i) { return check_file(flags, flags.files[i]); });
}

}  // namespace simlab

// simlab check: judges history files against a consistency model.
//   simlab check --model M [--format jsonl|edn|jepsen-log] [--init V] [--nil-read value|any]
//                [--json] FILE...
// One verdict line per file (an invalid one is followed by its explanation,
// indented). Exit 0 if all are valid, 1 if any is invalid, 2 if any is
// unknown (and none invalid), 65 if any file is malformed, 66 if one cannot
// be read, 64 for bad flags.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <vector>

#include "checkers/history/anomaly_list.h"
#include "checkers/history/edn_parser.h"
#include "checkers/history/history_format.h"
#include "checkers/history/parse_error.h"
#include "checkers/history/value_format.h"
#include "checkers/linearizability/checker.h"
#include "checkers/linearizability/partition.h"
#include "harness/commands/check_eventual.h"
#include "harness/commands/check_nil_read.h"
#include "harness/commands/check_outcome.h"
#include "harness/commands/check_queue.h"
#include "harness/commands/check_txn.h"
#include "harness/commands/command.h"
#include "reports/check_report.h"

namespace simlab {
namespace {

namespace po = boost::program_options;
using linearizability::Verdict;

struct CheckFlags {
  std::string model;
  std::optional<history::Format> format;
  history::Value init;
  linearizability::NilRead nil_read = linearizability::NilRead::value;
  bool json = false;
  linearizability::CheckOptions options;
  std::vector<std::string> files;
  std::string report_dir;  // --report: an HTML page per file
};

po::options_description visible_options() {
  po::options_description options("simlab check --model M [options] FILE...");
  options.add_options()("help,h", "show this help")(
      "model", po::value<std::string>(),
      "register, cas-register, kv, set, fifo-queue, counter, mutex (list-append and rw-register go "
      "to the transactional checker, queue to the Kafka-style log checker, set-full, g-counter, "
      "pn-counter, convergence, causal, session and ccv to the eventual-consistency checkers)")(
      "format", po::value<std::string>(),
      "jsonl, edn or jepsen-log (default: detected from content and extension)")(
      "init", po::value<std::string>(), "initial value as EDN, e.g. 0, \"\", [1 2] (default nil)")(
      "nil-read", po::value<std::string>()->default_value("value"), kNilReadHelp)(
      "json", po::bool_switch(), "print one JSON object per file instead of text")(
      "time-limit", po::value<double>()->default_value(300),
      "seconds per file before the verdict is unknown")(
      "memory-limit", po::value<std::size_t>()->default_value(4096),
      "MiB the search cache may use per key")("no-fast-path", po::bool_switch(),
                                              "always search, even for unique-valued registers")(
      "report", po::value<std::string>(),
      "also write a browsable HTML page per file to DIR (DIR/index.html for one file)");
  return options;
}

// Returns the exit code to stop with, or nullopt to go on checking.
std::optional<int> parse_flags(int argc, char** argv, CheckFlags& flags) {
  po::options_description options = visible_options();
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    std::fprintf(stderr, "simlab check: %s\n", error.what());
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << options
              << "\nexit: 0 all valid, 1 any invalid, 2 any unknown, 64 bad flags, 65 bad input\n";
    return kExitValid;
  }
  if (!vm.count("model")) {
    std::fprintf(stderr, "simlab check: expected --model (see simlab check --help)\n");
    return kExitUsage;
  }
  flags.model = vm["model"].as<std::string>();
  if (vm.count("format")) {
    flags.format = history::parse_format(vm["format"].as<std::string>());
    if (!flags.format) {
      std::fprintf(stderr, "simlab check: expected --format jsonl, edn or jepsen-log\n");
      return kExitUsage;
    }
  }
  if (vm.count("init")) {
    const std::string text = vm["init"].as<std::string>();
    try {
      history::EdnParser parser(text, "--init");
      flags.init = parser.parse_value();
      if (!parser.at_end()) parser.fail("expected one value");
    } catch (const history::ParseError& error) {
      std::fprintf(stderr, "simlab check: --init %s: %s\n", text.c_str(), error.expected().c_str());
      return kExitUsage;
    }
  }
  const auto nil_read = parse_nil_read(vm["nil-read"].as<std::string>());
  if (!nil_read) {
    std::fprintf(stderr, "simlab check: expected --nil-read value or any\n");
    return kExitUsage;
  }
  flags.nil_read = *nil_read;
  const double seconds = vm["time-limit"].as<double>();
  if (!(seconds > 0)) {
    std::fprintf(stderr, "simlab check: expected a positive --time-limit\n");
    return kExitUsage;
  }
  flags.options.time_limit = std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
  flags.options.memory_limit_bytes = vm["memory-limit"].as<std::size_t>() << 20;
  flags.options.fast_path = !vm["no-fast-path"].as<bool>();
  flags.json = vm["json"].as<bool>();
  if (vm.count("report")) flags.report_dir = vm["report"].as<std::string>();
  if (vm.count("file")) flags.files = vm["file"].as<std::vector<std::string>>();
  if (flags.files.empty()) {
    std::fprintf(stderr, "simlab check: expected at least one history FILE\n");
    return kExitUsage;
  }
  return std::nullopt;
}

void report(const CheckFlags& flags, const std::string& file,
            const linearizability::CheckResult& result, double elapsed_s) {
  const auto& stats = result.stats;
  const std::string_view verdict = linearizability::verdict_name(result.verdict);
  if (flags.json) {
    nlohmann::json json = {{"file", file},
                           {"model", flags.model},
                           {"verdict", verdict},
                           {"ops", stats.ops},
                           {"partitions", stats.partitions},
                           {"fast_path_partitions", stats.fast_path_partitions},
                           {"searched_partitions", stats.searched_partitions},
                           {"elapsed_s", elapsed_s}};
    if (!result.reason.empty()) json["reason"] = result.reason;
    if (result.explanation)
      json["explanation"] = linearizability::explanation_json(*result.explanation);
    std::cout << history::dump_json(json) << "\n";
    return;
  }
  if (result.verdict == Verdict::valid) {
    std::cout << fmt::format("{}: valid ({}, {} ops, {} keys, {:.3f} s)\n", file, flags.model,
                             stats.ops, stats.partitions, elapsed_s);
    return;
  }
  std::cout << fmt::format("{}: {}: {}\n", file, verdict, result.reason);
  if (result.explanation) std::cout << linearizability::explanation_text(*result.explanation);
}

FileOutcome check_file(const CheckFlags& flags, const linearizability::ModelFactory& factory,
                       std::size_t position) {
  const std::string& file = flags.files[position];
  const auto read = read_history_text(flags.json, file);
  if (!read) return FileOutcome::unreadable;
  const std::string& text = *read;
  try {
    const auto start = std::chrono::steady_clock::now();
    const history::Format format =
        flags.format ? *flags.format : history::detect_format(text, file);
    const history::History history = history::read_history(text, format, file);
    const auto result = linearizability::check_linearizability(history, factory, flags.options);
    report(flags, file, result,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!flags.report_dir.empty()) {
      const std::string page =
          reports::check_report_path(flags.report_dir, file, position, flags.files.size());
      try {
        reports::write_check_report(page, file, flags.model, history, result);
      } catch (const std::runtime_error& error) {
        std::fprintf(stderr, "simlab check: %s\n", error.what());
        return FileOutcome::report_unwritable;
      }
    }
    return file_outcome(result.verdict);
  } catch (const history::ParseError& error) {
    report_bad_input(flags.json, file, error.what());
  } catch (const linearizability::ModelError& error) {
    // The message names the model already; say only where the op is.
    report_bad_input(flags.json, file,
                     op_error_message(file, error.line(), error.position(), error.expected()));
  }
  return FileOutcome::bad_input;
}

}  // namespace

int cmd_check(int argc, char** argv) {
  // The transactional, queue and eventual models take their own flags
  // (--consistency, --linearizable, ...): forward before parsing.
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i], next = i + 1 < argc ? argv[i + 1] : "";
    const std::string model = arg.starts_with("--model=") ? arg.substr(8)
                              : arg == "--model"          ? next
                                                          : "";
    if (model == "list-append" || model == "rw-register") return cmd_check_txn(argc, argv);
    if (model == "queue") return cmd_check_queue(argc, argv);
    if (history::is_eventual_consistency_model(model)) return cmd_check_eventual(argc, argv);
  }
  CheckFlags flags;
  if (const auto stop = parse_flags(argc, argv, flags)) return *stop;
  const auto factory = linearizability::make_model_factory(flags.model, flags.init, flags.nil_read);
  if (!factory) {
    std::fprintf(stderr, "simlab check: unknown --model %s (see simlab check --help)\n",
                 flags.model.c_str());
    return kExitUsage;
  }
  if (const auto misuse = nil_read_misuse(flags.nil_read, flags.model)) {
    std::fprintf(stderr, "simlab check: %s\n", misuse->c_str());
    return kExitUsage;
  }
  return check_each_file(flags.files,
                         [&](std::size_t i) { return check_file(flags, *factory, i); });
}

}  // namespace simlab

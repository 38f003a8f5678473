// simlab check --model queue: the Kafka-style log checker (checkers/queue)
// over history files, JSONL or Jepsen's kafka EDN.
//   simlab check --model queue [--format jsonl|edn|jepsen-log] [--json] FILE...
// Exit codes as for the other models: 0 all valid, 1 any invalid, 65
// malformed input, 66 unreadable file, 64 bad flags.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "checkers/history/history_format.h"
#include "checkers/history/parse_error.h"
#include "checkers/queue/queue_checker.h"
#include "checkers/queue/queue_explanation.h"
#include "checkers/queue/queue_history.h"
#include "checkers/queue/queue_jsonl_reader.h"
#include "harness/commands/check_outcome.h"
#include "harness/commands/check_queue.h"
#include "harness/commands/check_simple_flags.h"
#include "harness/commands/command.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

using QueueFlags = SimpleCheckFlags;

void report(const QueueFlags& flags, const std::string& file, const queue::QueueCheckResult& result,
            double elapsed_s) {
  if (flags.json) {
    auto json = queue::explain_json(result);
    json["file"] = file;
    json["elapsed-s"] = elapsed_s;
    std::cout << json.dump() << "\n";
    return;
  }
  std::cout << fmt::format("{}: {:.3f} s, ", file, elapsed_s) << queue::explain_text(result);
}

FileOutcome judge(const QueueFlags& flags, const std::string& file,
                  const queue::QueueHistory& history, std::chrono::steady_clock::time_point began) {
  const auto result = queue::check_queue(history);
  report(flags, file, result,
         std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  return result.valid ? FileOutcome::valid : FileOutcome::invalid;
}

// The general way: any format, a history::History first, and every message
// that names a bad line.
FileOutcome check_read_history(const QueueFlags& flags, const std::string& file,
                               const std::string& text, history::Format format,
                               std::chrono::steady_clock::time_point began) {
  const history::History ops = history::read_history(text, format, file);
  if (!ops.empty() && !queue::looks_like_queue_history(ops)) {
    report_bad_input(flags.json, file,
                     fmt::format("{}: holds no send or poll ops for --model queue (a FIFO queue's "
                                 "enqueue and dequeue are --model fifo-queue)",
                                 file));
    return FileOutcome::bad_input;
  }
  const queue::CompiledQueue compiled = queue::compile_queue_history(ops);
  if (compiled.error) {
    report_bad_input(flags.json, file,
                     fmt::format("{}:{}: {}", file, compiled.error->line, compiled.error->what));
    return FileOutcome::bad_input;
  }
  return judge(flags, file, compiled.history, began);
}

FileOutcome check_file(const QueueFlags& flags, const std::string& file) {
  auto read = read_history_text(flags.json, file);
  if (!read) return FileOutcome::unreadable;
  std::string& text = *read;
  try {
    const auto began = std::chrono::steady_clock::now();
    const auto format = flags.format ? *flags.format : history::detect_format(text, file);
    // JSONL has a fast reader; a file it gives up on is read again the
    // general way, which says what is wrong with it.
    if (format == history::Format::jsonl) {
      if (const auto history = queue::read_queue_jsonl(text))
        return judge(flags, file, *history, began);
    }
    return check_read_history(flags, file, text, format, began);
  } catch (const history::ParseError& error) {
    report_bad_input(flags.json, file, error.what());
  }
  return FileOutcome::bad_input;
}

}  // namespace

int cmd_check_queue(int argc, char** argv) {
  QueueFlags flags;
  po::variables_map vm;
  if (const auto stop =
          parse_simple_check_flags(argc, argv, "simlab check --model queue [options] FILE...",
                                   po::options_description(), flags, vm))
    return *stop;
  return check_each_file(flags.files,
                         [&](std::size_t i) { return check_file(flags, flags.files[i]); });
}

}  // namespace simlab

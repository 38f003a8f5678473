// The flags every history-only model of `simlab check` shares (queue,
// set-full, the counters): --model, --format, --json and the files, plus
// any a model adds. Prints its own errors and help.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checkers/history/history_format.h"

namespace simlab {

struct SimpleCheckFlags {
  std::string model;
  std::optional<history::Format> format;
  bool json = false;
  std::vector<std::string> files;
};

// Returns the exit code to stop with (help, or a usage error), or nullopt to
// go on; `vm` then also holds the values of `extra`'s options.
std::optional<int> parse_simple_check_flags(
    int argc, char** argv, const std::string& usage,
    const boost::program_options::options_description& extra, SimpleCheckFlags& flags,
    boost::program_options::variables_map& vm);

// A usage error: the message on stderr, and the exit code to stop with.
std::optional<int> fail_check_usage(const std::string& message);

}  // namespace simlab

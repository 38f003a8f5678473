// Reading a subcommand's flags, the same way for every subcommand: a bad
// flag is a usage error (64) with one message, and --help prints the
// options and exits 0.
#pragma once

#include <boost/program_options.hpp>
#include <optional>

namespace simlab {

// Parses argv into `values`. Returns the exit code to end with (after the
// usage error or the help was printed), or nullopt to go on.
std::optional<int> parse_command_line(
    const char* command, int argc, char** argv,
    const boost::program_options::options_description& options,
    boost::program_options::variables_map& values,
    const boost::program_options::positional_options_description* positional = nullptr);

}  // namespace simlab

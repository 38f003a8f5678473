#include "harness/commands/command_line.h"

#include <cstdio>
#include <iostream>

#include "harness/commands/command.h"

namespace simlab {

std::optional<int> parse_command_line(
    const char* command, int argc, char** argv,
    const boost::program_options::options_description& options,
    boost::program_options::variables_map& values,
    const boost::program_options::positional_options_description* positional) {
  namespace po = boost::program_options;
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(options);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    std::fprintf(stderr, "simlab %s: %s\n", command, error.what());
    return kExitUsage;
  }
  if (values.count("help")) {
    std::cout << options << "\n";
    return kExitValid;
  }
  return std::nullopt;
}

}  // namespace simlab

// simlab real-cleanup [--run-id PREFIX]: removes the network namespaces
// (with their links, rules and qdiscs) and kills the node processes that
// real runs left behind when the harness itself was killed (SIGKILL gives
// it no chance to clean up). Only names with simlab's run prefix are touched.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>

#include "harness/commands/command.h"
#include "harness/commands/command_line.h"
#include "real/cluster.h"

namespace simlab {

int cmd_real_cleanup(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string run_id;
  po::options_description options("simlab real-cleanup [options]");
  options.add_options()("help,h", "show this help")("run-id", po::value(&run_id),
                                                    "only this run's leftovers");
  po::variables_map values;
  if (const auto code = parse_command_line("real-cleanup", argc, argv, options, values))
    return *code;
  if (geteuid() != 0) {
    std::fprintf(stderr, "simlab real-cleanup: needs root, as real runs do\n");
    return kExitUnavailable;
  }
  const auto removed = real::cleanup_leftovers(run_id);
  for (const auto& line : removed) std::printf("removed %s\n", line.c_str());
  std::printf("%zu leftover(s) removed\n", removed.size());
  return kExitValid;
}

}  // namespace simlab

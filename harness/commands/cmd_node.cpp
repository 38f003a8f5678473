// simlab node: one node of a system as a real process (real/node_process.h).
// `simlab run --real` starts these; a person rarely does.
#include <boost/program_options.hpp>
#include <cstdio>
#include <sstream>

#include "harness/commands/command.h"
#include "harness/commands/command_line.h"
#include "harness/swarm.h"
#include "harness/systems/system_registry.h"
#include "real/node_process.h"

namespace simlab {
namespace {

namespace po = boost::program_options;

// "1=10.77.0.1:7000,2=10.77.0.2:7000" -> id -> address.
std::map<NodeId, real::Address> parse_peers(const std::string& text) {
  std::map<NodeId, real::Address> peers;
  std::istringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto equals = item.find('=');
    if (equals == std::string::npos)
      throw std::invalid_argument("--peers: expected ID=IP:PORT,..., got '" + item + "'");
    const auto id = static_cast<NodeId>(parse_seed(item.substr(0, equals), "--peers"));
    peers[id] = real::parse_address(item.substr(equals + 1));
  }
  return peers;
}

}  // namespace

int cmd_node(int argc, char** argv) {
  std::string system, listen, peers, data, seed = "1", options_json;
  std::vector<std::string> bugs;
  std::uint32_t id = 0;
  bool buggify = false, no_invariants = false;
  po::options_description options("simlab node [options]");
  options.add_options()("help,h", "show this help")("system", po::value(&system),
                                                    "system under test")("id", po::value(&id),
                                                                         "this node's id (from 1)")(
      "listen", po::value(&listen), "IP:PORT to listen on")("peers", po::value(&peers),
                                                            "every node: ID=IP:PORT,...")(
      "data", po::value(&data), "data folder")("seed", po::value(&seed), "the run's seed")(
      "bug", po::value(&bugs), "a planted bug (repeatable)")("options", po::value(&options_json),
                                                             "system options (JSON)")(
      "buggify", po::bool_switch(&buggify), "BUGGIFY on")(
      "no-invariants", po::bool_switch(&no_invariants), "skip each step's check_invariants()");
  po::variables_map values;
  if (const auto code = parse_command_line("node", argc, argv, options, values)) return *code;
  const SystemEntry* entry = find_system(system);
  real::NodeProcessConfig config;
  try {
    if (entry == nullptr) throw std::invalid_argument("--system: unknown system '" + system + "'");
    if (id == 0 || data.empty()) throw std::invalid_argument("--id and --data are required");
    config.id = id;
    config.listen = real::parse_address(listen);
    config.peers = parse_peers(peers);
    config.data_dir = data;
    config.seed = parse_seed(seed, "--seed");
    config.bugs.insert(bugs.begin(), bugs.end());
    config.options_json = options_json;
    config.buggify = buggify;
    config.check_invariants = !no_invariants;
    if (const std::string error = entry->factory->options_error(options_json); !error.empty()) {
      throw std::invalid_argument("--options: " + error);
    }
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "simlab node: %s\n", error.what());
    return kExitUsage;
  }
  try {
    return real::run_node_process(config, *entry->factory);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "simlab node: %s\n", error.what());
    return kExitUnavailable;
  }
}

}  // namespace simlab

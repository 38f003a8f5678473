#include "harness/commands/check_simple_flags.h"

#include <cstdio>
#include <iostream>

#include "harness/commands/command.h"

namespace simlab {

namespace po = boost::program_options;

std::optional<int> fail_check_usage(const std::string& message) {
  std::fprintf(stderr, "simlab check: %s\n", message.c_str());
  return kExitUsage;
}

std::optional<int> parse_simple_check_flags(int argc, char** argv, const std::string& usage,
                                            const po::options_description& extra,
                                            SimpleCheckFlags& flags, po::variables_map& vm) {
  po::options_description options(usage);
  options.add_options()("help,h", "show this help")("model", po::value<std::string>(), "the model")(
      "format", po::value<std::string>(), "jsonl, edn or jepsen-log (default: detected)")(
      "json", po::bool_switch(), "print one JSON object per file instead of text");
  options.add(extra);
  po::options_description all;
  all.add(options).add_options()("file", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("file", -1);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    return fail_check_usage(error.what());
  }
  if (vm.count("help")) {
    std::cout << options
              << "\nexit: 0 all valid, 1 any invalid, 2 any unknown, 64 bad flags, 65 bad input\n";
    return kExitValid;
  }
  if (vm.count("model")) flags.model = vm["model"].as<std::string>();
  if (vm.count("format")) {
    flags.format = history::parse_format(vm["format"].as<std::string>());
    if (!flags.format) return fail_check_usage("expected --format jsonl, edn or jepsen-log");
  }
  flags.json = vm["json"].as<bool>();
  if (vm.count("file")) flags.files = vm["file"].as<std::vector<std::string>>();
  if (flags.files.empty()) return fail_check_usage("expected at least one history FILE");
  return std::nullopt;
}

}  // namespace simlab
